"""Private by construction on real speech (issue 12): Casenote's own synthesised dictation, the real
CLI and Whisper tiny.en, then a byte scan of every file under ``$CASENOTE_HOME`` (models aside)
after each stage of a note's life; and the case's known names caught when Whisper mishears them."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from assistant import paths
from assistant.cli import cli
from assistant.store import Store
from redaction.placeholders import PLACEHOLDER_RE, placeholder_pattern

DICTATION = ("Office visit today with Sarah Mabey, born on the second of April nineteen ninety. "
             "Mrs Mabey said she has been looking for work at the garden centre. "
             "Her partner Daniel Price came too. We talked about her housing and she will bring her tenancy "
             "letter next time. Next appointment is Monday at ten.")
TYPED = ["Call Daniel Price on 07700 900461 about 14 Elm Grove, Leeds LS6 2AB", "Ring Jane Okonkwo on 0113 496 0000"]
TYPED_SECRETS = [b"Daniel", b"07700 900461", b"900461", b"Elm Grove", b"LS6 2AB", b"Okonkwo", b"496 0000"]


def _leaks(needles: list[bytes]) -> list[str]:
    home = paths.casenote_home()
    hits = []
    for f in home.rglob("*"):
        if not f.is_file() or "models" in f.relative_to(home).parts:
            continue
        data = f.read_bytes()
        hits += [f"{f.relative_to(home)} holds {n[:30]!r}" for n in needles if n in data]
        if data[:4] == b"RIFF" or b"WAVEfmt" in data:
            hits.append(f"{f.relative_to(home)} is a playable WAV")
    return hits


def _needles(note: dict) -> list[bytes]:
    """The dictation's words as stored (fragments between placeholders), its placeholders, what was typed."""
    text = note["transcript"] + " " + note["whisper_transcript"]
    fragments = [x.strip() for x in re.split(placeholder_pattern() + r"|[.,;!?]", text) if len(x.strip()) >= 12]
    placeholders = sorted({m.group(0) for m in PLACEHOLDER_RE.finditer(text)})
    assert fragments and placeholders
    return [x.encode() for x in fragments] + [p.encode() for p in placeholders] + TYPED_SECRETS


@pytest.mark.slow
@pytest.mark.spacy
def test_no_file_under_home_holds_the_note_after_any_stage(speak):
    wav = speak(DICTATION)
    run = CliRunner().invoke
    cid = json.loads(run(cli, ["consent", "grant", "--officer", "jsmith", "--retention", "keep_days:7",
                               "--json"]).stdout)["consent_id"]
    r = run(cli, ["process", str(wav), "--officer", "jsmith", "--consent", cid, "--date", "2026-03-09",
                  "--name", "Sarah Mabey", "--name", "Daniel Price", "--dob", "1990-04-02", "--json"])
    assert r.exit_code == 0, r.output
    nid = json.loads(r.stdout)["note_id"]
    s = Store()
    note = s.get_note(nid)
    assert "Mabey" not in note["transcript"] and "Price" not in note["transcript"]
    assert "april" not in note["transcript"].lower()            # --dob: the date of birth as said
    originals = s.get_originals(nid, "jsmith")
    needles = _needles(note) + [v.encode() for v in originals.values() if len(v) >= 4]
    stages = {"process": _leaks(needles)}

    s.review_field(nid, "actions", "edit", TYPED, "jsmith")
    stages["edit with personal data"] = _leaks(needles)
    value = s.get_note(nid)["fields"]["actions"]["review"]["value"]
    assert not any(x.decode() in json.dumps(value) for x in TYPED_SECRETS)

    s.correct_transcript(nid, "The visit started late. " + s.get_note(nid)["transcript"] +
                         " Her friend Jane Okonkwo waited outside.", "jsmith")
    note = s.get_note(nid)
    assert "Okonkwo" not in note["transcript"]
    needles += _needles(note) + [b"The visit started late"]
    stages["correction"] = _leaks(needles)

    body = note["transcript"]
    phrase = re.search(r"garden\s+cent\w+", body, re.I) or re.search(r"looking for \w+", body, re.I)
    i = phrase.start()
    s.set_redactions(nid, note["entities"] + [{"type": "ADDRESS", "r_start": i, "r_end": phrase.end()}], "jsmith")
    added = next(e["placeholder"] for e in s.get_note(nid)["entities"] if e["type"] == "ADDRESS")
    stages["redaction add"] = _leaks(needles + [phrase.group().encode()])
    s.undo_redaction(nid, added, "jsmith")
    stages["redaction undo"] = _leaks(needles)

    for name, f in s.get_note(nid)["fields"].items():
        if not f["review"]:
            s.review_field(nid, name, "accept", None, "jsmith")
    s.save_note(nid, "jsmith")
    stages["approval"] = _leaks(needles)
    exports = [s.export_note(nid, fmt, "jsmith") for fmt in ("crissa", "json", "csv")]
    full = s.export_note(nid, "json", "jsmith", full=True)
    stages["export"] = _leaks(needles)
    s.close()
    assert {k: v for k, v in stages.items() if v} == {}
    assert all("Okonkwo" not in x and "900461" not in x for x in exports)
    assert "Okonkwo" in full and "07700 900461" in full          # the officer's full export has them
    assert b"".join(Store().audio_chunks(nid, "jsmith"))[:4] == b"RIFF"   # playable only once decrypted


@pytest.mark.slow
@pytest.mark.spacy
def test_a_known_name_whisper_mishears_next_to_a_name_cue_is_redacted(speak):
    from assistant.transcribe import transcribe
    from redaction import CaseIdentifiers, redact
    from redaction.recognisers.known import sounds_like

    text = "I met with Mr Mabey at the office. Mabey attended on time and we discussed his housing."
    heard = transcribe(str(speak(text))).text
    words = re.findall(r"[A-Za-z']+", heard)
    assert any(sounds_like(w, "Mabey") for w in words), heard   # Whisper wrote the name or a sound-alike
    plain = redact(heard).text
    known = redact(heard, known=CaseIdentifiers(names=["Peter Mabey"])).text
    toks = re.findall(placeholder_pattern() + r"|[A-Za-z']+", known)
    for k, w in enumerate(toks):   # no sound-alike of the name is left after the cue "Mr"
        assert not (k and toks[k - 1].lower() == "mr" and sounds_like(w, "Mabey")), known
    assert "Mr [PERSON_1]" in known.replace("Mr. ", "Mr ") and \
        len(re.findall(placeholder_pattern("PERSON"), known)) >= len(re.findall(placeholder_pattern("PERSON"), plain))
