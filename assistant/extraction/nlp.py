"""spaCy, loaded once per process, and the small matching helpers every field module shares.

Extraction runs on redacted text, so placeholders such as ``[PERSON_1]`` are masked with a
capitalised word of the same length before parsing: the tagger then reads them as names, and
character offsets stay those of the caller's text. Disfluencies (fillers, repeats, self-corrections;
``assistant.extraction.disfluency``) are blanked the same way, so the parse and every pattern read
what the officer meant to say while every offset still points at what was said. Field modules match
patterns on ``Parsed.clean`` and quote evidence from ``Parsed.text``.
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

from assistant.extraction.disfluency import Cleaned, clean
from redaction.placeholders import PLACEHOLDER_RE

__all__ = ["spaced", "MODEL", "MAX_CHARS", "ExtractionError", "load_nlp", "parse", "Parsed", "PLACEHOLDER",
           "LexiconMatcher", "Hit", "CLAUSE_BREAKS"]

MODEL = SPACY_MODEL
MAX_CHARS = 200_000          # about eight hours of speech; far beyond any dictation
PLACEHOLDER = PLACEHOLDER_RE   # the one placeholder pattern, owned by redaction
# Words that start a new clause: negation and cues do not reach across them.
CLAUSE_BREAKS = {"but", "although", "though", "however", "whereas", "while", "which", "who", "because",
                 "so", ";", ".", "?", "!"}
# "and" or a comma starts a clause only when a new subject follows ("..., and he said no").
_SOFT_BREAKS = {"and", ","}


def spaced(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    """``re.compile`` with every literal space read as any run of whitespace: a blanked disfluency
    ("he was, um, late" reads "he was      late") must not break a phrase."""
    return re.compile(pattern.replace(" ", r"\s+"), flags)


class ExtractionError(ValueError):
    """Input the caller must fix (too long, not text)."""


def load_nlp():
    """The process's one spaCy pipeline (shared with redaction); ``parse`` runs it without NER."""
    return load_spacy()


def _mask(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: "X" + "x" * (len(m.group()) - 1), text)


@dataclass
class Parsed:
    text: str        # the caller's text (offsets refer to it); evidence is quoted from it
    doc: Doc         # parse of the masked, cleaned text (same length, same offsets)
    clean: str = ""  # the caller's text with disfluencies blanked (same length): patterns read this
    disfluency: Cleaned | None = None

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
    cleaned = clean(text, read=masked)
    chars, mchars = list(text), list(masked)
    for r in cleaned.removed:
        for i in range(r.start, r.end):
            if chars[i] != "\n":
                chars[i] = mchars[i] = " "
    return Parsed(text, load_nlp()("".join(mchars), disable=list(EXTRACTION_DISABLED)), "".join(chars), cleaned)


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
        base = doc if isinstance(doc, Doc) else doc.doc
        offset = 0 if isinstance(doc, Doc) else doc.start
        toks = list(doc)
        if any(t.is_space for t in toks):
            # A blanked disfluency leaves a whitespace token inside a phrase ("domestic, um, abuse"):
            # match on the words alone and map the hits back to the parse's token indices.
            keep = [t.i for t in toks if not t.is_space]
            words = Doc(base.vocab, words=[base[i].text for i in keep])
            spans = [Span(base, keep[s], keep[e - 1] + 1, label=m) for m, s, e in self.matcher(words)]
        else:
            spans = [Span(base, s + offset, e + offset, label=m) for m, s, e in self.matcher(doc)]
        return [Hit(self.labels[sp.label], sp.start, sp.end) for sp in filter_spans(spans)
                if self.labels[sp.label] is not None]
