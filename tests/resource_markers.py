"""Markers that tell the truth: a test that uses Whisper, spaCy, a browser or ``../shared`` must carry the
marker the README names for it, or it fails with a message saying which marker is missing.

Usage is observed, not declared: in this process by wrapping the few entry points every use passes
through (faster-whisper's ``WhisperModel.transcribe``, spaCy's ``Language.__call__``/``pipe``,
Playwright's ``BrowserType.launch``), and in child processes (``casenote`` subprocesses) through a
``sitecustomize`` on ``PYTHONPATH`` that wraps the same entry points and appends what it saw to a log
file named by ``CASENOTE_TEST_USAGE``. ``../shared`` is known from the fixtures a test asks for.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

__all__ = ["RESOURCE_MARKERS", "SHARED_FIXTURES", "install_in_process", "usage_env", "check_item"]

# resource -> the marker a test that uses it must carry (README "Tests" lists the same names).
RESOURCE_MARKERS = {"whisper": "slow", "spacy": "spacy", "browser": "browser", "shared": "shared"}
SHARED_FIXTURES = {"shared_dir", "real_speech", "shared_samples"}
SITE_DIR = Path(__file__).parent / "usage_site"

_seen: set[str] = set()
_lock = threading.Lock()


def record(resource: str) -> None:
    with _lock:
        _seen.add(resource)


def take_seen() -> set[str]:
    with _lock:
        out = set(_seen)
        _seen.clear()
    return out


def install_in_process() -> None:
    """Wrap the entry points once per test session (the wrappers only record, then call through)."""
    from tests.usage_site.usage_hooks import install

    install(record)


def usage_env(log: Path) -> dict[str, str]:
    """Environment for a test: child Python processes load ``usage_site/sitecustomize.py``."""
    path = os.environ.get("PYTHONPATH", "")
    return {"CASENOTE_TEST_USAGE": str(log),
            "PYTHONPATH": os.pathsep.join(p for p in (str(SITE_DIR), path) if p)}


def check_item(item: pytest.Item, log: Path) -> None:
    """Fail ``item`` when it used a resource without the marker for it."""
    used = take_seen()
    if log.exists():
        used |= set(log.read_text().split())
    if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())):
        used.add("shared")
    missing = sorted({RESOURCE_MARKERS[r] for r in used if r in RESOURCE_MARKERS}
                     - {m.name for m in item.iter_markers()})
    if missing:
        pytest.fail(f"{item.nodeid} uses {', '.join(sorted(used))} but is not marked "
                    f"{', '.join('@pytest.mark.' + m for m in missing)} (see README, Tests)", pytrace=False)
