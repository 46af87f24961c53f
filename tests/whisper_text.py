"""What holds for Whisper output on every CPU. CTranslate2 picks its int8 kernels by instruction set
(``CT2_FORCE_CPU_ISA`` reproduces each), and tiny.en's commas and casing move with them, so tests
compare words after Whisper's English normaliser and check invariants, never punctuation or case."""
from __future__ import annotations

from functools import lru_cache

__all__ = ["words", "same_words", "assert_transcript_invariants", "assert_span_times_match_words"]


@lru_cache(maxsize=1)
def _normaliser():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def words(text: str) -> list[str]:
    """Lower-case words with punctuation, spelling variants and number forms normalised away."""
    return _normaliser()(text).split()


def same_words(a: str, b: str) -> bool:
    return words(a) == words(b)


def assert_transcript_invariants(t, model: str = "tiny.en") -> None:
    """Offsets point at the words, times are ordered and inside the audio, probabilities in [0, 1]."""
    assert t.language == "en" and t.model == model
    last = 0.0
    for s in t.segments:
        assert t.text[s.char_start:s.char_end] == s.text
        for w in s.words:
            assert t.text[w.char_start:w.char_end] == w.word
            assert 0.0 <= w.start <= w.end <= t.duration_s + 0.05
            assert w.start >= last - 0.05
            assert 0.0 <= w.probability <= 1.0
            last = w.start


def assert_span_times_match_words(t, start: int, end: int, t0: float, t1: float) -> list[str]:
    """Characters [start, end) of ``t.text`` were given the times (t0, t1): they must be the start of
    the first word those characters overlap and the end of the last one. Returns those words."""
    hit = [w for w in t.words if w.char_start < end and w.char_end > start]
    assert hit, (start, end, t.text[start:end])
    assert (t0, t1) == (hit[0].start, hit[-1].end), (t.text[start:end], t0, t1, hit[0], hit[-1])
    assert 0.0 <= t0 <= t1 <= t.duration_s + 0.05
    return [w.word for w in hit]
