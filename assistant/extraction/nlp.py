"""spaCy, loaded once per process, and the small matching helpers every field module shares.

Extraction runs on redacted text, so placeholders such as ``[PERSON_1]`` are masked with a
capitalised word of the same length before parsing: the tagger then reads them as names, and
character offsets stay those of the caller's text.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cached_property

from models.spacy_pipeline import EXTRACTION_DISABLED, SPACY_MODEL, load_spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

__all__ = ["MODEL", "MAX_CHARS", "ExtractionError", "load_nlp", "parse", "Parsed", "PLACEHOLDER",
           "LexiconMatcher", "Hit", "CLAUSE_BREAKS"]

MODEL = SPACY_MODEL
MAX_CHARS = 200_000          # about eight hours of speech; far beyond any dictation
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*_\d+\]")
# Words that start a new clause: negation and cues do not reach across them.
CLAUSE_BREAKS = {"but", "although", "though", "however", "whereas", "while", "which", "who", "because",
                 "so", ";", ".", "?", "!"}
# "and" or a comma starts a clause only when a new subject follows ("..., and he said no").
_SOFT_BREAKS = {"and", ","}


class ExtractionError(ValueError):
    """Input the caller must fix (too long, not text)."""


def load_nlp():
    """The process's one spaCy pipeline (shared with redaction); ``parse`` runs it without NER."""
    return load_spacy()


def _mask(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: "X" + "x" * (len(m.group()) - 1), text)


@dataclass
class Parsed:
    text: str        # the caller's text (offsets refer to it)
    doc: Doc         # parse of the masked text (same length, same offsets)

    @cached_property
    def sents(self) -> list[Span]:
        return list(self.doc.sents)

    def chars(self, start_tok: int, end_tok: int) -> tuple[int, int]:
        span = self.doc[start_tok:end_tok]
        return span.start_char, span.end_char

    def sentence_of(self, tok_i: int) -> Span:
        return self.doc[tok_i].sent

    def clause(self, tok_i: int) -> tuple[int, int]:
        """Token range [start, end) of the clause around token ``tok_i``, bounded by CLAUSE_BREAKS."""
        sent = self.doc[tok_i].sent
        s = tok_i
        while s > sent.start and not self.is_break(s - 1):
            s -= 1
        e = tok_i + 1
        while e < sent.end and not self.is_break(e):
            e += 1
        return s, e

    def is_break(self, i: int) -> bool:
        t = self.doc[i]
        if t.lower_ in CLAUSE_BREAKS:
            return True
        if t.lower_ in _SOFT_BREAKS and i + 1 < len(self.doc):
            nxt = self.doc[i + 1]
            return nxt.pos_ in ("PRON", "PROPN") and nxt.lower_ not in ("her", "his", "their", "my", "him", "them")
        return False


def parse(text: str) -> Parsed:
    if not isinstance(text, str):
        raise ExtractionError(f"extraction needs text, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ExtractionError(f"the transcript has {len(text):,} characters; extraction takes at most "
                              f"{MAX_CHARS:,} (about eight hours of speech). Split it into dictations.")
    masked = _mask(text)
    assert len(masked) == len(text)
    # NER is not used: people are already placeholders, and agencies come from the lexicon.
    return Parsed(text, load_nlp()(masked, disable=list(EXTRACTION_DISABLED)))


@dataclass
class Hit:
    label: str
    start: int      # token indices
    end: int


class LexiconMatcher:
    """Lowercase phrase matching of ``{label: [phrases]}``; the longest match wins where phrases overlap,
    so a blocker such as "unpaid work" (label None) hides the shorter "work"."""

    def __init__(self, lexicon: dict[str | None, list[str]]):
        nlp = load_nlp()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, str | None] = {}
        for i, (label, phrases) in enumerate(lexicon.items()):
            key = f"L{i}"
            variants = set()
            for p in phrases:
                words = p.replace("-", " ").split()
                # Every mix of spaces and hyphens: "working full-time", "co-defendant", "self harm".
                for joins in itertools.product((" ", "-"), repeat=min(len(words) - 1, 3)):
                    joins = joins + (" ",) * (len(words) - 1 - len(joins))
                    variants.add(words[0] + "".join(j + w for j, w in zip(joins, words[1:])))
            self.matcher.add(key, [nlp.make_doc(v) for v in sorted(variants)])
            self.labels[nlp.vocab.strings[key]] = label

    def __call__(self, doc: Doc | Span) -> list[Hit]:
        spans = [Span(doc if isinstance(doc, Doc) else doc.doc, s + (0 if isinstance(doc, Doc) else doc.start),
                      e + (0 if isinstance(doc, Doc) else doc.start), label=m) for m, s, e in self.matcher(doc)]
        return [Hit(self.labels[sp.label], sp.start, sp.end) for sp in filter_spans(spans)
                if self.labels[sp.label] is not None]
