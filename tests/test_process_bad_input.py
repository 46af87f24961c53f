"""``casenote process`` refuses bad input with exit 2 and a clear message, and the store and the
audio folder stay exactly as they were: no consent, revoked or someone else's consent, empty,
corrupt, non-audio, over-long or silent audio, wrong dates, hostile officer ids."""
from __future__ import annotations

import wave

import numpy as np
import pytest
from click.testing import CliRunner

from assistant import paths
from assistant.audio import AudioError
from assistant.cli import cli
from assistant.store import Store


def _wav(path, seconds: float, rate: int = 16000, signal=None):
    data = np.zeros(int(seconds * rate), dtype="<i2") if signal is None else signal
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(data.tobytes())
    return path


def _snapshot():
    files = sorted((str(p.relative_to(paths.casenote_home())), p.stat().st_size)
                   for p in paths.casenote_home().rglob("*") if p.is_file() and not p.name.startswith("casenote.db"))
    return Store().counts(), files


@pytest.fixture
def consent():
    return Store().grant_consent("jsmith")


@pytest.fixture
def speechlike(tmp_path):
    """Two seconds of a tone: valid audio, used where the refusal must come before decoding matters."""
    t = np.arange(32000) / 16000
    return _wav(tmp_path / "tone.wav", 2, signal=(np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2"))


def _bad_files(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 4)
    html = tmp_path / "page.wav"
    html.write_text("<html><script>alert('x')</script>'; DROP TABLE notes; --</html>")
    long = _wav(tmp_path / "long.wav", 15.5 * 60, rate=8000)
    silent = _wav(tmp_path / "silent.wav", 4)
    return {
        "empty": (empty, "empty"), "corrupt": (corrupt, "not an audio file"),
        "non-audio": (html, "not an audio file"),
        "over-long": (long, "over the 15 min limit"), "silence": (silent, "no speech"),
        "missing": (tmp_path / "nope.wav", "no such file"),
    }


@pytest.mark.parametrize("case", ["empty", "corrupt", "non-audio", "over-long", "silence", "missing"])
def test_bad_audio_is_refused_and_nothing_is_kept(tmp_path, consent, case):
    path, message = _bad_files(tmp_path)[case]
    before = _snapshot()
    r = CliRunner().invoke(cli, ["process", str(path), "--officer", "jsmith", "--consent", consent, "--json"])
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output
    assert r.stdout == ""
    assert _snapshot() == before


def test_refused_requests_change_nothing(tmp_path, consent, speechlike):
    other = Store().grant_consent("akhan")
    revoked = Store().grant_consent("jsmith")
    Store().revoke_consent(revoked, "jsmith")
    cases = [
        (["--officer", "jsmith", "--consent", "no-such-id"], "no consent"),
        (["--officer", "jsmith", "--consent", other], "another officer"),
        (["--officer", "jsmith", "--consent", revoked], "revoked"),
        (["--officer", "../jsmith", "--consent", consent], "invalid officer id"),
        (["--officer", "jsmith", "--consent", consent, "--date", "2026-02-30"], "invalid date"),
        (["--officer", "jsmith", "--consent", consent, "--date", "<img src=x>"], "invalid date"),
        (["--officer", "jsmith", "--consent", consent, "--date", "2999-01-01"], "in the future"),
    ]
    before = _snapshot()
    for args, message in cases:
        r = CliRunner().invoke(cli, ["process", str(speechlike), *args])
        assert r.exit_code == 2 and message in r.stderr, (args, r.output)
        assert _snapshot() == before, args
    r = CliRunner().invoke(cli, ["process", str(tmp_path), "--officer", "jsmith", "--consent", consent])
    assert r.exit_code == 2 and _snapshot() == before    # a folder is not a file


def test_a_shorter_limit_can_be_set(tmp_path, consent):
    path = _wav(tmp_path / "two-minutes.wav", 120, rate=8000)
    r = CliRunner().invoke(cli, ["process", str(path), "--officer", "jsmith", "--consent", consent,
                                 "--max-minutes", "1"])
    assert r.exit_code == 2 and "over the 1 min limit" in r.stderr


def test_the_15_minute_cap_cannot_be_lifted(tmp_path, consent):
    """The cap is a privacy control: --max-minutes may lower it, never raise it, and the pipeline
    clamps whatever a caller passes."""
    from assistant.pipeline import process_dictation

    r = CliRunner().invoke(cli, ["process", str(tmp_path / "x.wav"), "--officer", "jsmith", "--consent", consent,
                                 "--max-minutes", "240"])
    assert r.exit_code == 2 and "0.1<=x<=15" in r.output.replace(" ", ""), r.output
    long = _wav(tmp_path / "sixteen-minutes.wav", 16 * 60, rate=8000)
    before = _snapshot()
    with pytest.raises(AudioError, match="over the 15 min limit"):
        process_dictation(long, "jsmith", consent, max_duration_s=240 * 60)
    assert _snapshot() == before
