"""Where Casenote keeps its state: everything lives under ``$CASENOTE_HOME``.

Tests and evaluators set ``CASENOTE_HOME`` to a temporary folder to isolate a run.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

__all__ = ["casenote_home", "models_cache_dir", "database_path", "audio_dir", "upload_dir", "allow_list_path"]


def casenote_home() -> Path:
    """The app's data folder (created on first use, readable by the owner only)."""
    env = os.environ.get("CASENOTE_HOME")
    home = Path(env).expanduser() if env else Path(platformdirs.user_data_dir("casenote", appauthor=False))
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def models_cache_dir() -> Path:
    d = casenote_home() / "models"
    d.mkdir(parents=True, exist_ok=True)
    return d


def allow_list_path() -> Path:
    """The officer's own redaction allow-list (one term a line); redaction is told where it is."""
    from redaction.allow_list import user_terms_path

    return user_terms_path(casenote_home())


def database_path() -> Path:
    return casenote_home() / "casenote.db"


def audio_dir() -> Path:
    d = casenote_home() / "audio"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def upload_dir(home: Path | None = None) -> Path:
    """Where the review screen's web server puts an uploaded dictation until it is imported
    (encrypted) and deleted: an owner-only folder in memory (``/dev/shm``) where the system has one,
    so the clear upload never reaches the disk; else ``HOME/uploads``. ``home`` defaults to
    ``$CASENOTE_HOME``."""
    home = Path(home) if home else casenote_home()
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        tag = hashlib.sha256(str(home).encode()).hexdigest()[:12]
        d = shm / f"casenote-{os.getuid()}-{tag}"
    else:
        d = home / "uploads"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(d, 0o700)
    return d
