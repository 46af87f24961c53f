"""Wrap the entry points that every use of Whisper, spaCy or a browser passes through, so a test run
can see which resources a test really used (``tests/resource_markers.py``). The wrappers record and
then call straight through; modules not yet imported are wrapped as they load, so nothing heavy is
imported early."""
from __future__ import annotations

import functools
import importlib.abc
import sys

__all__ = ["install"]

# module -> (class, methods, resource)
TARGETS = {
    "faster_whisper.transcribe": ("WhisperModel", ("transcribe",), "whisper"),
    "spacy.language": ("Language", ("__call__", "pipe"), "spacy"),
    "playwright.sync_api._generated": ("BrowserType", ("launch", "launch_persistent_context"), "browser"),
}


def _wrap_module(module, record) -> None:
    cls_name, methods, resource = TARGETS[module.__name__]
    cls = getattr(module, cls_name)
    for name in methods:
        orig = getattr(cls, name)
        if getattr(orig, "_casenote_usage", False):
            continue

        def wrapper(*args, __orig=orig, **kwargs):
            record(resource)
            return __orig(*args, **kwargs)

        functools.update_wrapper(wrapper, orig)
        wrapper._casenote_usage = True
        setattr(cls, name, wrapper)


class _WrapOnImport(importlib.abc.MetaPathFinder):
    def __init__(self, record):
        self.record = record

    def find_spec(self, fullname, path, target=None):
        if fullname not in TARGETS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        exec_module, record = spec.loader.exec_module, self.record

        def exec_and_wrap(module):
            exec_module(module)
            _wrap_module(module, record)

        spec.loader.exec_module = exec_and_wrap
        return spec


def install(record) -> None:
    """Wrap what is imported already, and everything in ``TARGETS`` as it is imported later."""
    for name in TARGETS:
        if name in sys.modules:
            _wrap_module(sys.modules[name], record)
    if not any(isinstance(f, _WrapOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _WrapOnImport(record))
