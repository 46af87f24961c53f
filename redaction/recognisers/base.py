"""A recogniser in the style of Presidio's pattern recognisers: patterns on the canonical
identifier runs (see ``redaction.spoken``), context phrases that raise the score, a ``validate``
for formats with a checksum or allocation rules, and context-led capture ("his NI number is ...")
that still catches an identifier Whisper half-misheard."""
from __future__ import annotations

import bisect
import re

from redaction.analysis import Analysis, PhraseIndex
from redaction.model import Entity
from redaction.spoken import run_after_cue

__all__ = ["Recogniser", "PatternRecogniser"]


class Recogniser:
    name = "recogniser"
    type = ""

    def find(self, a: Analysis) -> list[Entity]:
        raise NotImplementedError

    def entity(self, a: Analysis, start: int, end: int, score: float, key: str = "") -> Entity:
        return Entity(self.type, start, end, a.text[start:end], "", self.name, min(1.0, score),
                      key or f"{self.type}:{''.join(c for c in a.text[start:end].upper() if c.isalnum())}")


class PatternRecogniser(Recogniser):
    patterns: tuple[tuple[str, float], ...] = ()   # (regex on the dense run, base score)
    cues: dict[str, float] = {}                    # context phrase -> score of what follows it
    context: tuple[str, ...] = ()                  # words that only raise the score of a nearby match
    context_window = 60                            # characters before a match in which a cue raises its score
    context_boost = 0.1
    min_digits = 2                                 # a cue-led capture needs this many digits

    def __init__(self):
        self._compiled = [(re.compile(p), s) for p, s in self.patterns]
        self._cue_index = PhraseIndex(self.cues)
        self._context_index = PhraseIndex(self.context)

    def validate(self, value: str) -> bool | None:
        """True: the checksum or allocation rules pass; False: reject; None: no rule for this format."""
        return None

    def accept_cued(self, dense: str) -> bool:
        return sum(c.isdigit() for c in dense) >= self.min_digits

    def cue_hits(self, a: Analysis) -> list[tuple[int, float]]:
        """(index of the token after the cue, score) for each context phrase in the text."""
        out = []
        for i, j, phrase in self._cue_index.find(a.tokens):
            out.append((j, self.cues[phrase]))
        return out

    def find(self, a: Analysis) -> list[Entity]:
        hits = self.cue_hits(a)
        cue_ends = sorted([a.tokens[j - 1].end for j, _ in hits if j > 0]
                          + [a.tokens[j - 1].end for _, j, _ in self._context_index.find(a.tokens)])
        out = []
        for run in a.runs:
            for rx, base in self._compiled:
                for m in rx.finditer(run.dense):
                    ok = self.validate(m.group())
                    if ok is False:
                        continue
                    start, end = run.span(m.start(), m.end())
                    k = bisect.bisect_right(cue_ends, start)
                    near = k > 0 and start - cue_ends[k - 1] <= self.context_window
                    score = base + (0.1 if ok else 0.0) + (self.context_boost if near else 0.0)
                    out.append(self.entity(a, start, end, score, f"{self.type}:{m.group()}"))
        for j, score in hits:
            run = run_after_cue(a.tokens, j, self.accept_cued)
            if run is None:
                continue
            start, end = run.span(0, len(run.dense))
            out.append(self.entity(a, start, end, score, f"{self.type}:{run.dense}"))
        return out
