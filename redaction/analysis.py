"""What every recogniser reads: the transcript's tokens, its identifier runs, where the context
phrases are, which spans are protected (allow-listed terms, existing placeholders), and spaCy's
entities, computed once per text (spaCy lazily, and only once per process for the model)."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from functools import cached_property

from redaction.model import PLACEHOLDER_RE
from redaction.spoken import IdRun, Token, id_runs, tokenise

__all__ = ["Analysis", "PhraseIndex", "load_nlp", "ner_entities", "common_words", "is_common_word",
           "only_adjective", "stop_words"]

_CHUNK = 1500   # characters per spaCy document: memory stays flat, and a re-check re-runs only changed chunks


def load_nlp():
    """The process's one spaCy pipeline (shared with extraction, loaded once). Redaction runs only its
    NER component (it carries its own tok2vec): about twice as fast as the full pipeline."""
    from models.spacy_pipeline import load_spacy

    return load_spacy()


def _ner_disabled(nlp) -> list[str]:
    from models.spacy_pipeline import REDACTION_ONLY, disabled_except

    return disabled_except(nlp, REDACTION_ONLY)


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case English words (the WordNet index shipped in the spaCy model's lemmatizer tables):
    a capitalised word outside it is likely a name. Empty if the tables are missing."""
    try:   # the loaded pipeline's own lemmatizer tables: not read from disk a second time
        index = load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError):
        index = {}
    # pronouns, determiners: not in WordNet
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for w in index.get(pos, [])) | stop_words()


@functools.lru_cache(maxsize=1)
def _non_adjectives() -> frozenset[str]:
    try:
        index = load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError):
        index = {}
    return frozenset(w for pos in ("noun", "verb", "adv") for w in index.get(pos, []))


def only_adjective(word: str) -> bool:
    """WordNet knows ``word`` as an adjective and as nothing else ("rusty", "happy"): after "spoke to"
    such a word can only be a name."""
    w = word.lower()
    return w in common_words() and w not in _non_adjectives() and w not in stop_words()


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, imported only once a recogniser needs them (not at import), and
    through models.spacy_pipeline: a plain ``from spacy...`` here imported torch (+2 s, ~250 MB of
    ``casenote process``)."""
    from models.spacy_pipeline import stop_words as spacy_stop_words

    return spacy_stop_words()


def is_common_word(word: str) -> bool:
    w = word.lower()
    words = common_words()
    if w in words:
        return True
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                         ("ly", ""), ("er", ""), ("est", "")):
        if w.endswith(suffix) and w[:-len(suffix)] + repl in words:
            return True
    return False


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split at sentence ends near every _CHUNK characters (never inside a word)."""
    out, pos, n = [], 0, len(text)
    while pos < n:
        end = min(n, pos + _CHUNK)
        if end < n:
            cut = max(text.rfind(". ", pos, end), text.rfind("\n", pos, end))
            if cut <= pos:
                cut = text.rfind(" ", pos, end)
            end = cut + 1 if cut > pos else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


def ner_entities(text: str, cache: dict | None = None) -> list[tuple[int, int, str]]:
    """(start, end, label) of spaCy's entities in ``text``. ``cache`` maps chunk text -> entities so a
    second pass over a redacted text re-runs spaCy only on the chunks that changed."""
    chunks = _chunks(text)
    cache = {} if cache is None else cache
    todo = [c for _, c in chunks if c not in cache]
    if todo:
        nlp = load_nlp()
        for chunk, doc in zip(todo, nlp.pipe(todo, batch_size=16, disable=_ner_disabled(nlp))):
            cache[chunk] = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    out = []
    for off, chunk in chunks:
        out.extend((off + s, off + e, lab) for s, e, lab in cache[chunk])
    return out


class PhraseIndex:
    """Finds multi-word phrases (lowercase) in a token stream in one pass."""

    def __init__(self, phrases):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        self.phrase: dict[tuple[str, ...], str] = {}
        for p in phrases:
            words = tuple(w for w in re.findall(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]", p.lower()))
            if words and words not in self.phrase:
                self.by_first.setdefault(words[0], []).append(words)
                self.phrase[words] = p
        for v in self.by_first.values():
            v.sort(key=len, reverse=True)

    def find(self, tokens: list[Token]) -> list[tuple[int, int, str]]:
        """(first token, last token + 1, phrase as given) of every occurrence, the longest at each start."""
        out = []
        by_first = self.by_first
        lows = [t.lower for t in tokens]
        for i, w in enumerate(lows):
            if w not in by_first:
                continue
            for words in by_first[w]:
                k = len(words)
                if tuple(lows[i:i + k]) == words:
                    out.append((i, i + k, self.phrase[words]))
                    break
        return out


@dataclass
class Analysis:
    text: str
    allow: "object"                      # redaction.allow_list.AllowList
    ner_cache: dict = field(default_factory=dict)

    @cached_property
    def tokens(self) -> list[Token]:
        return tokenise(self.text)

    @cached_property
    def runs(self) -> list[IdRun]:
        return id_runs(self.tokens)

    @cached_property
    def protected(self) -> list[tuple[int, int]]:
        """Spans no PERSON/ADDRESS may touch: allow-listed terms and placeholders already written."""
        spans = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(self.text)]
        spans += self.allow.spans(self.tokens)
        spans.sort()
        return spans

    @cached_property
    def placeholders(self) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(self.text)]

    @cached_property
    def _protected_starts(self) -> list[int]:
        return [s for s, _ in self.protected]

    def is_protected(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._protected_starts, end)
        for s, e in self.protected[max(0, i - 8):i]:
            if s < end and e > start:
                return True
        return False

    @cached_property
    def ner(self) -> list[tuple[int, int, str]]:
        return ner_entities(self.text, self.ner_cache)

    def token_index_at(self, char: int) -> int:
        """Index of the first token that ends after ``char``."""
        ends = self._token_ends
        return bisect.bisect_right(ends, char)

    @cached_property
    def _token_ends(self) -> list[int]:
        return [t.end for t in self.tokens]
