"""Extraction on real Whisper tiny.en output of a dictation the project synthesised itself: fields,
evidence that points at the transcript's words, and audio times of that evidence."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.extraction import add_audio_times, extract
from tests.whisper_text import assert_span_times_match_words, words

# Whisper's commas vary with the CPU's instruction set, so nothing here hinges on them: evidence is
# checked against the words its characters cover, and audio times against those words' own times.
pytestmark = [pytest.mark.slow, pytest.mark.spacy]

ITEM = {
    "id": "t01", "dictation_date": "2026-03-09",
    "spoken": "Office appointment today with Sam Taylor. He attended on time. He told me he has been drinking "
              "again at weekends and he is still looking for work. Actions: Sam to book a doctor's appointment, "
              "and I will refer him to the alcohol service. Next appointment is Friday the thirteenth of March "
              "at two p m.",
    "pii": [{"type": "PERSON", "leak_tokens": ["sam", "taylor"]}], "must_keep": ["alcohol service"],
    "fields": {"contact_date": "2026-03-09", "contact_type": "office", "attendance": "attended",
               "needs_discussed": ["alcohol", "employment_education"], "risk_flags": ["substance_relapse"],
               "referrals": ["alcohol service"], "next_appointment": "2026-03-13T14:00", "actions_count": 2},
}


@pytest.fixture(scope="module")
def gold_transcript():
    from eval.gold import transcribe_gold

    return transcribe_gold([ITEM], voices=("piper",))[0]


def test_fields_and_evidence_on_whisper_output(gold_transcript):
    t = gold_transcript.transcript
    x = extract(t.text, dt.date(2026, 3, 9))
    assert x.fields["contact_type"].value == "office"
    assert x.fields["attendance"].value == "attended"
    assert x.fields["next_appointment"].value == "2026-03-13T14:00"
    assert "alcohol" in x.fields["needs_discussed"].value
    add_audio_times(x, t)
    for name, f in x.fields.items():
        for ev in f.evidence:
            assert t.text[ev.start:ev.end] == ev.text
            # The audio times are those of exactly the words the evidence's characters cover.
            assert_span_times_match_words(t, ev.start, ev.end, ev.t0, ev.t1)
    appt = x.fields["next_appointment"].evidence[0]
    assert appt.t0 > t.duration_s / 2      # said at the end of the dictation


def test_evidence_on_redacted_text_maps_back_to_the_audio(gold_transcript):
    from redaction import redact

    t = gold_transcript.transcript
    red = redact(t.text)
    assert "[PERSON_" in red.text
    x = add_audio_times(extract(red.text, dt.date(2026, 3, 9)), t, red.to_original)
    assert x.fields["next_appointment"].value == "2026-03-13T14:00"
    acts = x.fields["actions"].value
    assert len(acts) == 2 and "alcohol service" in acts[-1], acts      # two actions were said
    # The placeholder maps back through the redaction to the name's own words in the audio.
    ph = red.text.index("[PERSON_1]")
    o0, o1 = red.to_original(ph), red.to_original(ph + len("[PERSON_1]"))
    assert words(t.text[o0:o1]) == ["sam", "taylor"], t.text[o0:o1]
    t0, t1 = t.time_of_span(o0, o1)
    said = assert_span_times_match_words(t, o0, o1, t0, t1)
    assert words(" ".join(said)) == ["sam", "taylor"] and 0 < t0 < t1 < t.duration_s / 2
    for f in x.fields.values():
        for ev in f.evidence:
            assert red.text[ev.start:ev.end] == ev.text
            o0, o1 = red.to_original(ev.start), red.to_original(ev.end)
            assert_span_times_match_words(t, o0, o1, ev.t0, ev.t1)


def test_evaluation_scores_the_whisper_transcript(gold_transcript):
    from eval.extraction_eval import evaluate_extraction, format_table

    result = evaluate_extraction([gold_transcript], redact=False)
    assert result["n"] == 1 and set(result["by_voice"]) == {"piper"}
    scores = result["items"][0]["scores"]
    assert scores["contact_type"] == scores["attendance"] == scores["next_appointment"] == 1.0
    assert 0.0 <= result["mean"] <= 1.0
    assert "| contact_type |" in format_table(result)
