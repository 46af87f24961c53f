"""eval.wer agrees with jiwer, scores a perfect hypothesis 0, and normalises both sides alike."""
from __future__ import annotations

import jiwer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.wer import bootstrap_ci, normalise, score_corpus, score_utterance

# (reference, hypothesis, errors jiwer counts on the already-normalised words, reference words)
KNOWN_PAIRS = [
    ("the cat sat on the mat", "the cat sat on the mat", 0, 6),
    ("the cat sat on the mat", "the cat sit on mat", 2, 6),            # one substitution, one deletion
    ("he attended the office", "he has attended the main office", 2, 4),  # two insertions
    ("next appointment is monday", "next appointment monday at two", 3, 4),
]


@pytest.mark.parametrize("ref,hyp,errors,words", KNOWN_PAIRS)
def test_utterance_counts_match_jiwer(ref, hyp, errors, words):
    s = score_utterance(ref, hyp)
    assert (s.errors, s.words) == (errors, words)
    assert s.wer == pytest.approx(jiwer.wer(ref, hyp))
    assert s.wer == pytest.approx(errors / words)


def test_corpus_wer_and_cer_match_jiwer_on_the_normalised_text():
    refs = [r for r, *_ in KNOWN_PAIRS] + ["Mr. Smith paid $20 on the 3rd of June."]
    hyps = [h for _, h, *_ in KNOWN_PAIRS] + ["Mister Smith paid twenty dollars on the third of June"]
    score, utts = score_corpus(refs, hyps)
    nr, nh = [normalise(r) for r in refs], [normalise(h) for h in hyps]
    assert score.wer == pytest.approx(jiwer.wer(nr, nh))
    assert score.cer == pytest.approx(jiwer.cer(nr, nh))
    assert utts[-1].errors == 0          # written and spoken numbers and titles agree once normalised
    assert score.substitutions + score.deletions + score.insertions == sum(e for *_, e, _ in KNOWN_PAIRS)


def test_a_perfect_hypothesis_scores_zero():
    refs = ["THERE'S IRON THEY SAY IN ALL OUR BLOOD", "I REALLY LIKED THAT ACCOUNT OF HIMSELF"]
    score, utts = score_corpus(refs, [r.lower().capitalize() + "." for r in refs])
    assert score.wer == 0 and score.cer == 0 and score.ci95 == (0.0, 0.0)
    assert all(u.wer == 0 for u in utts) and score.top_substitutions == []


@pytest.mark.parametrize("british,american", [
    ("The colour of the licence", "The color of the license"),
    ("She travelled to the organisation's centre", "She traveled to the organization's center"),
    ("the defence programme", "the defense program"),
])
def test_british_and_american_spellings_count_as_equal(british, american):
    assert score_utterance(british, american).wer == 0
    assert score_utterance(american, british).wer == 0      # the same pipeline on both sides


def test_substitutions_alignment_and_empty_sides():
    s = score_utterance("he lives at the hostel", "he lives at the hospital")
    assert s.substitution_pairs == [("hostel", "hospital")]
    assert s.alignment.startswith("REF: he lives at the   hostel\nHYP: he lives at the hospital")
    assert s.alignment.rstrip().endswith("S")
    empty_hyp = score_utterance("he lives here", "")
    assert (empty_hyp.deletions, empty_hyp.wer) == (3, 1.0)
    empty_ref = score_utterance("uh", "hello there")   # "uh" normalises to nothing: all insertions
    assert (empty_ref.words, empty_ref.insertions) == (0, 2)
    score, _ = score_corpus(["he lives here", "uh"], ["he lives here", "hello there"])
    assert score.wer == pytest.approx(2 / 3)


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate():
    errors, words = [0, 1, 5, 2, 0, 3, 1, 0], [10, 12, 9, 15, 8, 20, 11, 7]
    lo, hi = bootstrap_ci(errors, words)
    point = sum(errors) / sum(words)
    assert lo < point < hi
    assert (lo, hi) == bootstrap_ci(errors, words)            # reproducible
    assert score_corpus(["a b"], ["a b", "c"][:1])[0].utterances == 1
    with pytest.raises(ValueError):
        score_corpus(["a"], ["a", "b"])


_words = st.lists(st.sampled_from(["cat", "dog", "sat", "mat", "on", "the", "red", "ran"]), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_words, st.lists(st.sampled_from(["cat", "dog", "bat", "on", "the"]), max_size=12)),
                min_size=1, max_size=6))
def test_corpus_wer_equals_jiwer_for_any_word_lists(pairs):
    refs = [" ".join(r) for r, _ in pairs]
    hyps = [" ".join(h) for _, h in pairs]
    score, _ = score_corpus(refs, hyps)
    assert score.wer == pytest.approx(jiwer.wer(refs, hyps))
