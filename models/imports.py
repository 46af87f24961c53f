"""Keep an optional heavy package out of one import, in one thread only.

Two libraries probe for packages they do not need here and import them whole when installed:
thinc (under spaCy) imports torch (2 s, ~250 MB; ``en_core_web_sm`` runs on thinc's numpy ops), and
sqlite-utils imports pandas (0.25 s, ~65 MB; only to map ``pandas.Timestamp`` columns, which the
store never writes). Both treat ``ImportError`` as "not installed", so refusing the import while
they load is enough. The refusal is scoped to the importing thread and to the ``with`` block: other
threads (Whisper, the speaker check, Gradio, which does use pandas) import as usual, ``sys.modules``
is never touched, and where the package is already imported nothing changes.

    with refused_imports("pandas"):
        import sqlite_utils
"""
from __future__ import annotations

import contextlib
import importlib.abc
import sys
import threading

__all__ = ["refused_imports"]


class _RefuseInThread(importlib.abc.MetaPathFinder):
    def __init__(self):
        self.refused: dict[int, tuple[str, ...]] = {}      # thread id -> top-level names refused there

    def find_spec(self, name, path=None, target=None):
        names = self.refused.get(threading.get_ident(), ())
        if name.split(".", 1)[0] in names:
            raise ModuleNotFoundError(f"No module named {name!r} (not needed by this import)", name=name)
        return None


_finder = _RefuseInThread()
sys.meta_path.insert(0, _finder)


@contextlib.contextmanager
def refused_imports(*names: str):
    """Inside the block, in this thread, ``import NAME`` (and its submodules) raises ImportError."""
    me = threading.get_ident()
    before = _finder.refused.get(me)
    _finder.refused[me] = (before or ()) + names
    try:
        yield
    finally:
        if before is None:
            _finder.refused.pop(me, None)
        else:
            _finder.refused[me] = before
