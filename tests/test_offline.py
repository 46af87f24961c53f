"""Offline guarantee: a real transcription succeeds where no network exists, and tries none."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.whisper_text import words

HERE = Path(__file__).parent


def test_import_sets_offline_environment():
    code = ("import os; import assistant; "
            "print(os.environ['ORT_DISABLE_TELEMETRY'], os.environ['GRADIO_ANALYTICS_ENABLED'], "
            "os.environ['HF_HUB_OFFLINE'])")
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "GRADIO_ANALYTICS_ENABLED")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["1", "False", "1"]


@pytest.mark.slow
def test_transcription_makes_no_network_attempt(tmp_path, speak):
    wav = speak("Home visit completed. She was at home and engaged well with the session.", "espeak")
    log = tmp_path / "net.log"
    env = {**os.environ, "CASENOTE_NET_LOG": str(log)}
    r = subprocess.run([sys.executable, str(HERE / "offline_runner.py"), "transcribe", str(wav), "--json"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert words("home visit") == words(json.loads(r.stdout)["text"])[:2], r.stdout
    assert not log.exists(), log.read_text()


def _can_unshare() -> bool:
    exe = shutil.which("unshare")
    return bool(exe) and subprocess.run([exe, "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.shared
def test_transcription_in_a_process_without_network(real_speech):
    """`unshare -n` gives the process a network namespace with no interface but loopback."""
    if not _can_unshare():
        pytest.skip("this machine does not allow a private network namespace (unshare -n needs root or user namespaces)")
    jfk = real_speech / "audio/jfk/jfk.flac"
    probe = subprocess.run(["unshare", "-n", sys.executable, "-c",
                            "import socket; s=socket.socket(); s.settimeout(2); s.connect(('1.1.1.1', 443))"],
                           capture_output=True, text=True)
    assert probe.returncode != 0 and "unreachable" in probe.stderr.lower()
    r = subprocess.run(["unshare", "-n", sys.executable, "-m", "assistant", "transcribe", str(jfk), "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert words(json.loads(r.stdout)["text"])[:7] == words("And so my fellow Americans ask not"), r.stdout
