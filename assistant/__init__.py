"""Casenote: turn an officer's dictated post-session summary into a reviewed case note.

Importing this package switches off every telemetry channel of the libraries it uses, before
they are imported: nothing Casenote does may reach the network.
"""
import os as _os

# Set before onnxruntime / gradio / huggingface_hub are imported anywhere in the process.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
_os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
_os.environ.setdefault("HF_HUB_OFFLINE", "1")
_os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
_os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
_os.environ.setdefault("DO_NOT_TRACK", "1")

# The model layer imports nothing from the app; the app tells it where assembled models live.
from assistant.paths import models_cache_dir as _models_cache_dir  # noqa: E402
from models import set_cache_dir as _set_models_cache_dir  # noqa: E402

_set_models_cache_dir(_models_cache_dir)

__version__ = "0.1.0"
__all__ = ["__version__"]
