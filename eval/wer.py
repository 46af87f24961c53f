"""Word and character error rates, scored the way the Whisper paper scores them.

Both sides go through the same composable jiwer pipeline built on Whisper's English normaliser
(``whisper_normalizer.english.EnglishTextNormalizer``): lower case, punctuation removed, numbers
spoken or written counted alike ("twenty dollars" = "$20"), "mr" = "mister", and British and
American spellings mapped to one form ("colour" = "color", "licence" = "license"). jiwer does the
alignment and the counting; this module only adds the normaliser, per-utterance detail, the most
frequent substitutions and a bootstrap confidence interval.

An utterance whose reference normalises to nothing (e.g. only "uh") has no words to get wrong;
its hypothesis words still count as insertions, so the corpus WER is
``sum(errors) / sum(reference words)`` over all utterances, exactly as jiwer computes it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import jiwer
import numpy as np
from whisper_normalizer.english import EnglishTextNormalizer

__all__ = [
    "WhisperEnglishNormalise",
    "WORD_PIPELINE",
    "CHAR_PIPELINE",
    "normalise",
    "UtteranceScore",
    "CorpusScore",
    "score_utterance",
    "score_corpus",
    "bootstrap_ci",
]


class WhisperEnglishNormalise(jiwer.AbstractTransform):
    """jiwer transform: Whisper's English normaliser (with British -> American spellings)."""

    def __init__(self):
        self._normaliser = EnglishTextNormalizer()

    def process_string(self, s: str) -> str:
        return self._normaliser(s)


_NORMALISE_STEPS = [WhisperEnglishNormalise(), jiwer.RemoveMultipleSpaces(), jiwer.Strip()]
# The same steps for reference and hypothesis, so neither side is favoured.
WORD_PIPELINE = jiwer.Compose([*_NORMALISE_STEPS, jiwer.ReduceToListOfListOfWords()])
CHAR_PIPELINE = jiwer.Compose([*_NORMALISE_STEPS, jiwer.ReduceToListOfListOfChars()])
_STRING_PIPELINE = jiwer.Compose(_NORMALISE_STEPS)


def normalise(text: str) -> str:
    """Text as it is scored: ``normalise("The Colour, Mr. Smith!") == "the color mister smith"``."""
    return _STRING_PIPELINE(text or "")


@dataclass
class UtteranceScore:
    id: str
    reference: str          # normalised
    hypothesis: str         # normalised
    words: int              # reference words
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    chars: int              # reference characters (spaces included)
    char_errors: int
    alignment: str          # three lines: REF, HYP and S/D/I marks (jiwer's layout)
    substitution_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        """Errors per reference word; an empty reference scores 0 if the hypothesis is empty too."""
        return self.errors / self.words if self.words else float(self.errors > 0)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["errors"], d["wer"] = self.errors, round(self.wer, 6)
        d["substitution_pairs"] = [list(p) for p in self.substitution_pairs]
        return d


@dataclass
class CorpusScore:
    wer: float
    cer: float
    ci95: tuple[float, float]   # bootstrap over utterances, percentile interval
    utterances: int
    words: int
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    top_substitutions: list[tuple[str, str, int]]   # (reference word, hypothesis word, count)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ci95"] = list(self.ci95)
        d["top_substitutions"] = [list(t) for t in self.top_substitutions]
        return d


def _alignment_text(out: jiwer.WordOutput) -> str:
    """jiwer's REF/HYP/marks block for one sentence, without its headers and summary."""
    text = jiwer.visualize_alignment(out, show_measures=False, skip_correct=False)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("===")]
    return "\n".join(lines[:3])


def score_utterance(reference: str, hypothesis: str, id: str = "") -> UtteranceScore:
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        # jiwer refuses an empty reference; every hypothesis word is an insertion.
        n = len(hyp.split())
        return UtteranceScore(id, ref, hyp, 0, 0, 0, 0, n, 0, len(hyp),
                              f"REF: \nHYP: {hyp}")
    if not hyp:
        n = len(ref.split())
        return UtteranceScore(id, ref, hyp, n, 0, 0, n, 0, len(ref), len(ref), f"REF: {ref}\nHYP: ")
    w = jiwer.process_words(ref, hyp, reference_transform=WORD_PIPELINE, hypothesis_transform=WORD_PIPELINE)
    c = jiwer.process_characters(ref, hyp, reference_transform=CHAR_PIPELINE, hypothesis_transform=CHAR_PIPELINE)
    pairs = []
    for chunk in w.alignments[0]:
        if chunk.type == "substitute":
            r = w.references[0][chunk.ref_start_idx:chunk.ref_end_idx]
            h = w.hypotheses[0][chunk.hyp_start_idx:chunk.hyp_end_idx]
            pairs.extend(zip(r, h))
    return UtteranceScore(
        id, ref, hyp, len(w.references[0]), w.hits, w.substitutions, w.deletions, w.insertions,
        len(c.references[0]), c.substitutions + c.deletions + c.insertions, _alignment_text(w), pairs)


def bootstrap_ci(errors, words, n_resamples: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of corpus WER when the utterances are resampled with replacement.

    Seeded, so a report is reproducible; resampling utterances (not words) keeps each speaker's
    errors together, which is the honest unit of independence here.
    """
    errors, words = np.asarray(errors, dtype=float), np.asarray(words, dtype=float)
    if len(errors) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(errors), size=(n_resamples, len(errors)))
    tot_words = words[idx].sum(axis=1)
    rates = np.divide(errors[idx].sum(axis=1), tot_words, out=np.zeros(n_resamples), where=tot_words > 0)
    lo, hi = np.quantile(rates, [(1 - level) / 2, 1 - (1 - level) / 2])
    return (float(lo), float(hi))


def score_corpus(references: list[str], hypotheses: list[str], ids: list[str] | None = None,
                 top: int = 20, seed: int = 0) -> tuple[CorpusScore, list[UtteranceScore]]:
    """Score paired lists; returns the corpus figures and one ``UtteranceScore`` per pair."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    ids = ids or [str(i) for i in range(len(references))]
    utts = [score_utterance(r, h, i) for r, h, i in zip(references, hypotheses, ids)]
    words = sum(u.words for u in utts)
    errors = sum(u.errors for u in utts)
    chars = sum(u.chars for u in utts)
    subs = Counter(p for u in utts for p in u.substitution_pairs)
    score = CorpusScore(
        wer=errors / words if words else 0.0,
        cer=sum(u.char_errors for u in utts) / chars if chars else 0.0,
        ci95=bootstrap_ci([u.errors for u in utts], [u.words for u in utts], seed=seed),
        utterances=len(utts), words=words,
        hits=sum(u.hits for u in utts), substitutions=sum(u.substitutions for u in utts),
        deletions=sum(u.deletions for u in utts), insertions=sum(u.insertions for u in utts),
        top_substitutions=[(r, h, n) for (r, h), n in subs.most_common(top)],
    )
    return score, utts
