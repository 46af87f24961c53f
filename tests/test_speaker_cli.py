"""``casenote enrol``: the real command, the real encoder and the real SQLite store."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from click.testing import CliRunner

from assistant.audio import SAMPLE_RATE, load_audio
from assistant.cli import cli
from assistant.speaker import EMBEDDING_SIZE, embed_voice
from assistant.store import Store

ROOT = Path(__file__).resolve().parents[1]
PASSAGE = ("I am enrolling my voice for case notes. I will dictate my summaries after each supervision "
           "session, once the person on probation has left the room. The quick brown fox jumps over "
           "the lazy dog, and a careful officer writes a clear and accurate record of every contact.")


def _enrol(*args):
    return CliRunner().invoke(cli, ["enrol", *args], catch_exceptions=False)


def _files_under(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in home.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_enrol_stores_the_voiceprint_and_not_the_recording(speak, casenote_home):
    wav = speak(PASSAGE, "piper")
    r = _enrol("--officer", "jsmith", str(wav), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["officer"] == "jsmith" and out["enrolled"] and out["speech_s"] >= 10

    vp = Store().get_voiceprint("jsmith")
    assert vp.shape == (EMBEDDING_SIZE,)
    assert np.allclose(vp, embed_voice(load_audio(wav)), atol=1e-5)
    audio_bytes = wav.read_bytes()[1000:1400]                      # a stretch of the PCM data
    assert not any(audio_bytes in data for data in _files_under(casenote_home).values())

    # Enrolling again replaces the voiceprint rather than adding a second one.
    r = _enrol("--officer", "jsmith", str(speak(PASSAGE, "espeak")))
    assert r.exit_code == 0 and "Enrolled jsmith" in r.output and "not stored" in r.output
    assert not np.allclose(Store().get_voiceprint("jsmith"), vp)


@pytest.mark.slow
def test_enrol_refuses_too_little_speech_and_stores_nothing(speak):
    r = CliRunner().invoke(cli, ["enrol", "--officer", "jsmith", str(speak("Hello, this is a test.", "piper"))])
    assert r.exit_code == 2
    assert "at least 10 s" in r.output and "Traceback" not in r.output
    assert Store().get_voiceprint("jsmith") is None


@pytest.mark.parametrize("content, says", [
    (b"", "empty"),
    (b"<html><script>alert(1)</script></html>" * 50, "not an audio file"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40), "not an audio file"),
])
def test_enrol_refuses_files_that_are_not_usable_audio(tmp_path, content, says):
    bad = tmp_path / "enrolment.wav"
    bad.write_bytes(content)
    r = CliRunner().invoke(cli, ["enrol", "--officer", "jsmith", str(bad)])
    assert r.exit_code == 2 and says in r.output, r.output
    assert Store().get_voiceprint("jsmith") is None


def test_enrol_refuses_silence_missing_files_and_hostile_officer_ids(tmp_path):
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(20 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    r = CliRunner().invoke(cli, ["enrol", "--officer", "jsmith", str(silent)])
    assert r.exit_code == 2 and "0.0 s of speech" in r.output, r.output
    r = CliRunner().invoke(cli, ["enrol", "--officer", "jsmith", str(tmp_path / "nope.wav")])
    assert r.exit_code == 2 and "no such file" in r.output
    for officer in ["../../etc/passwd", "x'; DROP TABLE voiceprints;--", "<b>jo</b>", ""]:
        r = CliRunner().invoke(cli, ["enrol", "--officer", officer, str(silent)])
        assert r.exit_code == 2 and "invalid officer id" in r.output, (officer, r.output)
    assert not (tmp_path / "etc").exists()


def test_enrol_refuses_an_over_long_recording(tmp_path):
    long = tmp_path / "interview.wav"
    sf.write(long, np.zeros(301 * SAMPLE_RATE, dtype=np.int16), SAMPLE_RATE, subtype="PCM_16")
    r = CliRunner().invoke(cli, ["enrol", "--officer", "jsmith", str(long)])
    assert r.exit_code == 2 and "limit" in r.output, r.output


@pytest.mark.slow
def test_enrol_runs_from_the_installed_command(speak, casenote_home):
    """The real entry point in a fresh process, as an officer would run it."""
    exe = Path(sys.executable).with_name("casenote")
    r = subprocess.run([str(exe), "enrol", "--officer", "a.khan", str(speak(PASSAGE, "piper")), "--json"],
                       capture_output=True, text=True, env={**os.environ, "CASENOTE_HOME": str(casenote_home)},
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["officer"] == "a.khan"
    assert Store().get_voiceprint("a.khan") is not None
