"""LocalAgreement-2, the commit policy of whisper_streaming (Macháček et al., 2023): the buffer is
re-decoded as audio arrives, and the words two consecutive hypotheses agree on, from the start,
are committed. Committed words are final: they are never retracted, only added to.

Words are compared by their letters and digits, case-folded, so a comma or capital that flickers
between two decodings does not hold back a commit.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HypWord", "LocalAgreement", "same_word"]

# A word of a new hypothesis that starts this long before the last committed word ended is the
# same speech again (the buffer still holds it), not new speech.
_OVERLAP_S = 0.1
# Up to this many words at the start of a new hypothesis are matched against the committed tail
# to drop a repeat of words already committed (a buffer trimmed mid-phrase).
_MAX_NGRAM = 5


@dataclass(frozen=True)
class HypWord:
    raw: str              # as Whisper wrote it, with its leading space (or none: "'s" attaches)
    start: float          # seconds from the start of the dictation
    end: float
    probability: float
    segment: int = -1     # which of the decode's segments it came from (for the transcript's segments)
    seg_stats: tuple = (0.0, 0.0, 0.0)   # (avg_logprob, no_speech_prob, compression_ratio) of that segment

    @property
    def key(self) -> str:
        return "".join(ch for ch in self.raw.casefold() if ch.isalnum())


def same_word(a: HypWord, b: HypWord) -> bool:
    return a.key == b.key


class LocalAgreement:
    """Holds the committed words and the last hypothesis; ``update`` returns the newly committed words."""

    def __init__(self):
        self.committed: list[HypWord] = []
        self._previous: list[HypWord] = []     # uncommitted words of the last hypothesis

    @property
    def committed_end(self) -> float:
        return self.committed[-1].end if self.committed else 0.0

    @property
    def pending(self) -> list[HypWord]:
        """The last hypothesis's uncommitted words (shown greyed, may still change)."""
        return list(self._previous)

    def _new_part(self, words: list[HypWord]) -> list[HypWord]:
        new = [w for w in words if w.start > self.committed_end - _OVERLAP_S]
        if new and self.committed and abs(new[0].start - self.committed_end) < 1.0:
            for n in range(min(len(self.committed), len(new), _MAX_NGRAM), 0, -1):
                tail = self.committed[-n:]
                if all(same_word(a, b) for a, b in zip(tail, new[:n])):
                    return new[n:]
        return new

    def update(self, words: list[HypWord]) -> list[HypWord]:
        """Take a hypothesis of the whole buffer; commit the prefix it shares with the previous one."""
        new = self._new_part(words)
        agreed = []
        for a, b in zip(new, self._previous):
            if not same_word(a, b):
                break
            agreed.append(a)
        self.committed += agreed
        self._previous = new[len(agreed):]
        return agreed

    def commit_all(self, words: list[HypWord]) -> list[HypWord]:
        """The last decode (at Stop, or of a buffer that must be cut): commit everything new in it."""
        new = self._new_part(words)
        self.committed += new
        self._previous = []
        return new

    def commit_until(self, t: float) -> list[HypWord]:
        """Commit the pending words that end by ``t`` (the buffer must be cut there)."""
        take = [w for w in self._previous if w.end <= t]
        self.committed += take
        self._previous = self._previous[len(take):]
        return take
