"""``casenote eval dictation``: synthesised gold dictations through the real model, redaction and
extraction, scored in one report (WER, leak rate, must-keep retention, field scores)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from eval.wer import score_corpus

GOLD = [{
    "id": "t1", "dictation_date": "2026-03-09",
    "spoken": "Office appointment today with Daniel Hughes. Daniel attended on time. His phone number is oh seven "
              "seven zero zero, nine double zero, four six one. We talked about his drinking and I have referred him "
              "to the alcohol service. Next appointment is Friday at ten a m.",
    "pii": [{"type": "PERSON", "leak_tokens": ["daniel", "hughes"]}, {"type": "PHONE", "leak_id": "07700900461"}],
    "must_keep": ["alcohol service", "office"],
    "fields": {"contact_date": "2026-03-09", "contact_type": "office", "attendance": "attended",
               "needs_discussed": ["alcohol"], "risk_flags": [], "referrals": ["alcohol service"],
               "next_appointment": "2026-03-13T10:00", "actions_count": 0},
}]


@pytest.mark.slow
@pytest.mark.spacy
def test_eval_dictation_reports_wer_redaction_and_fields_in_one_report(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD))
    out = tmp_path / "rep"
    res = CliRunner().invoke(cli, ["eval", "dictation", "--gold", str(gold), "--voices", "espeak",
                                   "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    results = json.loads((out / "results.json").read_text())
    assert summary["dictations"] == 1 and summary["voices"] == ["espeak"]
    assert {k: results["summary"][k] for k in results["summary"]} == {k: summary[k] for k in results["summary"]}
    # WER recomputes from the stored transcript.
    [item] = results["transcription"]["per_dictation"]
    again, _ = score_corpus([GOLD[0]["spoken"]], [item["hypothesis"]])
    # espeak's robotic voice costs tiny.en dearly on this short, digit-heavy item (about 0.43); the
    # bound only says the transcript is of this dictation at all.
    assert summary["wer"]["espeak"] == round(again.wer, 6) < 0.6
    # Redaction and extraction come from their own evaluators and are all in the summary.
    assert set(summary["leak_rate"]) == {"all", "espeak"} and 0 <= summary["leak_rate"]["all"] <= 1
    assert results["redaction"]["all"]["items_present"] >= 1
    assert 0 <= summary["must_keep_retention"]["all"] <= 1
    assert set(summary["field_scores"]) >= {"contact_type", "attendance", "next_appointment"}
    assert 0 < summary["field_score_mean"]["all"] <= 1
    page = (out / "report.html").read_text()
    for title in ("Transcription (WER", "Redaction: leak rate", "Extraction: field scores"):
        assert title in page
    assert "hughes" not in json.dumps(results["extraction"]).lower()   # only redacted values are kept


@pytest.mark.parametrize("content,args,needle", [
    ("not json", [], "gold-format"),
    ("[]", [], "no dictations"),
    ('[{"id": "x"}]', [], "spoken"),
    ('[{"id": "x", "spoken": "hello"}]', ["--voices", "robot"], "Unknown voice"),
])
def test_bad_gold_or_voice_exits_2(tmp_path, content, args, needle):
    gold = tmp_path / "g.json"
    gold.write_text(content)
    res = CliRunner().invoke(cli, ["eval", "dictation", "--gold", str(gold), *args])
    assert res.exit_code == 2 and needle in res.output, res.output
