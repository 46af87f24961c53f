"""``casenote extract`` and ``casenote eval extraction`` as a user runs them (real process, real files)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Every test here runs the spaCy English model (redaction or extraction).
pytestmark = pytest.mark.spacy

ROOT = Path(__file__).resolve().parents[1]
DICTATION = ("Office appointment today with [PERSON_1]. [PERSON_1] attended on time. He told me his drinking "
             "has reduced to weekends only. Actions: [PERSON_1] to send me a copy of his tenancy agreement, and "
             "I will update his sentence plan. Next appointment is Monday the 23rd of March at 2pm at the office.")


def casenote(*args, stdin: bytes | str | None = None):
    """The real command in its own process, as a user runs it."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=data, capture_output=True, cwd=ROOT,
                          timeout=300)


def invoke(*args, stdin: bytes | str | None = None):
    """The same command in this process (Click's runner), for the many bad-input cases: a process each
    would spend most of its time loading spaCy."""
    from click.testing import CliRunner

    from assistant.cli import cli

    r = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return r.exit_code, r.stderr


def test_extract_json_from_a_file(tmp_path):
    f = tmp_path / "transcript.txt"
    f.write_text(DICTATION, encoding="utf-8")
    r = casenote("extract", str(f), "--date", "2026-03-09", "--json")
    assert r.returncode == 0, r.stderr.decode()
    out = json.loads(r.stdout)
    fields = out["fields"]
    assert fields["contact_type"]["value"] == "office"
    assert fields["next_appointment"]["value"] == "2026-03-23T14:00"
    assert len(fields["actions"]["value"]) == 2
    for name, f in fields.items():
        for ev in f["evidence"]:
            assert DICTATION[ev["start"]:ev["end"]] == ev["text"]
    assert set(out["crissa"]) == {"check_in", "review", "intervention", "summary", "set_task", "appointment"}


def test_extract_reads_standard_input_and_prints_a_crissa_note():
    r = casenote("extract", "--date", "2026-03-09", stdin=DICTATION)
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert "Check-in\nOffice appointment today with [PERSON_1]." in out
    assert "Appointment\nNext appointment is Monday the 23rd of March at 2pm at the office." in out


@pytest.mark.parametrize("args, stdin, message", [
    (["--date", "2026-02-30"], DICTATION, "not a date"),
    (["--date", "09/03/2026"], DICTATION, "YYYY-MM-DD"),
    ([], DICTATION, "Missing option '--date'"),
    (["--date", "2026-03-09"], "", "empty"),
    (["--date", "2026-03-09"], "  \n\t ", "empty"),
    (["--date", "2026-03-09"], b"\x00\x01RIFF binary", "not text"),
    (["--date", "2026-03-09"], b"caf\xe9 latin-1", "not UTF-8"),
    (["no-such-file.txt", "--date", "2026-03-09"], None, "does not exist"),
    ([".", "--date", "2026-03-09"], None, "not a file"),
    (["--date", "2026-03-09"], "word " * 50_000, "at most"),
])
def test_bad_input_exits_2_with_a_clear_message(args, stdin, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, err = invoke("extract", *args, stdin=stdin)
    assert code == 2 and message in err and "Traceback" not in err


def test_bad_date_in_a_real_process():
    r = casenote("extract", "--date", "2026-13-01", stdin=DICTATION)
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr.decode()


def test_eval_extraction_on_clean_text():
    from click.testing import CliRunner

    from assistant.cli import cli

    r = CliRunner().invoke(cli, ["eval", "extraction", "--gold", str(ROOT / "eval" / "gold" /
                                 "extraction_dictations.json"), "--clean", "--no-redact", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["n"] >= 20 and out["redacted"] is False
    assert set(out["fields"]) == {"contact_date", "contact_type", "attendance", "needs_discussed", "risk_flags",
                                  "referrals", "actions", "next_appointment"}
    assert out["mean"] >= 0.9


@pytest.mark.parametrize("args, message", [
    (["--voices", "robot"], "unknown voice"),
    (["--gold", "README.md"], "not a list of gold dictations"),
])
def test_eval_bad_input(args, message, tmp_path):
    if "README.md" in args:
        bad = tmp_path / "bad.json"
        bad.write_text('{"not": "a list"}')
        args = ["--gold", str(bad)]
    code, err = invoke("eval", "extraction", *args)
    assert code == 2 and message in err
