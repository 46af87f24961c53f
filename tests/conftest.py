"""Shared fixtures. Every test runs with its own ``$CASENOTE_HOME``; speech is synthesised by the
project itself (cached under .cache/ between runs) and ``../shared`` is used only where it exists."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import resource_markers

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CASENOTE_SHARED", ROOT.parent / "shared"))
SYNTH_CACHE = ROOT / ".cache" / "test-speech"


TEST_PASSPHRASE = "correct horse battery staple (tests only)"


@pytest.fixture(autouse=True, scope="session")
def casenote_passphrase():
    """The store's passphrase for the whole session too, so module- and session-scoped fixtures
    (a review-screen server, say) and their subprocesses can open the store."""
    old = os.environ.get("CASENOTE_PASSPHRASE")
    os.environ["CASENOTE_PASSPHRASE"] = TEST_PASSPHRASE
    yield TEST_PASSPHRASE
    if old is None:
        os.environ.pop("CASENOTE_PASSPHRASE", None)
    else:
        os.environ["CASENOTE_PASSPHRASE"] = old


def pytest_sessionstart(session):
    resource_markers.install_in_process()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    resource_markers.take_seen()        # what an earlier test's teardown used is not this test's
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    resource_markers.check_item(item, item.stash[_USAGE_LOG])
    return result


_USAGE_LOG = pytest.StashKey[Path]()


@pytest.fixture(autouse=True)
def casenote_home(request, tmp_path, monkeypatch):
    """Every test: its own ``$CASENOTE_HOME`` and the store's passphrase in ``$CASENOTE_PASSPHRASE``
    (set in the environment, so subprocesses such as the CLI inherit both)."""
    home = tmp_path / "casenote-home"
    home.mkdir()
    monkeypatch.setenv("CASENOTE_HOME", str(home))
    monkeypatch.setenv("CASENOTE_PASSPHRASE", TEST_PASSPHRASE)
    # Child processes report what they used (Whisper, spaCy) so markers can be checked.
    log = tmp_path / "resource-usage.log"
    request.node.stash[_USAGE_LOG] = log
    for name, value in resource_markers.usage_env(log).items():
        monkeypatch.setenv(name, value)
    return home


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.skip(f"../shared is not beside this checkout ({SHARED}); it holds the real-speech and gold data")
    return SHARED


@pytest.fixture(scope="session")
def real_speech(shared_dir) -> Path:
    return shared_dir / "data" / "real_speech"


@pytest.fixture(scope="session")
def shared_samples(shared_dir) -> list[dict]:
    return json.loads((shared_dir / "data" / "dictations" / "samples.json").read_text())


@pytest.fixture(scope="session")
def speak():
    """speak(text, voice='piper') -> path of a WAV the project synthesised itself."""
    from eval.synth import cached_synthesis

    def _speak(text: str, voice: str = "piper") -> Path:
        return cached_synthesis(text, voice, SYNTH_CACHE)

    return _speak
