"""Redaction on what Whisper actually writes: real tiny.en on speech the project synthesises."""
from __future__ import annotations

import pytest

from eval.gold import GoldTranscript
from eval.redaction_eval import evaluate_redaction, item_leaked, item_present, presidio_redactor

pytestmark = [pytest.mark.slow, pytest.mark.spacy]

ITEM = {
    "id": "speech-test", "dictation_date": "2026-03-02",
    "spoken": ("Office appointment with Daniel Okafor. His phone number is oh seven seven zero zero, nine double "
               "zero, four six one. He lives at twelve Mill Street, Leeds, L S nine, eight A B. He has been "
               "referred to Forward Leeds for his drinking. His partner, Chloe Evans, came with him. Next "
               "appointment is Monday the ninth of March at ten a m."),
    "pii": [{"type": "PERSON", "leak_tokens": ["daniel", "okafor"]},
            {"type": "PERSON", "leak_tokens": ["chloe", "evans"]},
            {"type": "PHONE", "leak_id": "07700900461"},
            {"type": "ADDRESS", "leak_tokens": ["mill"]},
            {"type": "POSTCODE", "leak_id": "ls98ab"}],
    "must_keep": ["forward leeds", "leeds", "march", "drinking"],
}


@pytest.fixture(scope="module")
def heard(speak):
    from assistant.transcribe import transcribe

    audio = speak(ITEM["spoken"], "piper")
    return audio, transcribe(audio)


def test_redaction_of_a_whisper_transcript(heard):
    from redaction import redact

    _, t = heard
    r = redact(t.text)
    present = [p for p in ITEM["pii"] if item_present(p, t.text)]
    assert len(present) >= 3, f"Whisper heard too little of the dictation to test: {t.text!r}"
    assert [p for p in present if item_leaked(p, t.text, r.text)] == [], r.text
    for phrase in ITEM["must_keep"]:
        if phrase in t.text.lower():
            assert phrase in r.text.lower(), (phrase, r.text)
    # every redacted span still maps to its moment in the audio (the review screen plays it)
    assert all(t.time_of_span(e.start, e.end) is not None for e in r.entities)


def test_evaluation_reports_casenote_beside_presidio(heard):
    audio, t = heard
    gts = [GoldTranscript(ITEM, "piper", audio, t)]
    ours = evaluate_redaction(gts)
    baseline = evaluate_redaction(gts, presidio_redactor())
    for report in (ours, baseline):
        assert report["transcripts"] == 1 and report["items_present"] >= 3
        assert set(report["per_type"]) <= {p["type"] for p in ITEM["pii"]}
    assert ours["leak_rate"] == 0.0
    assert ours["must_keep"]["retention"] == 1.0
    assert baseline["leak_rate"] >= ours["leak_rate"]
