"""A decode nobody will read, given up at the next call into the model.

At Stop, a decode the worker started before the end of speech cannot be final; Stop used to wait for
it to finish (on average half a decode, ~0.5 s on 2 cores) before decoding the buffer once more, as
the model decodes one buffer at a time. CTranslate2 cannot interrupt a call, but faster-whisper
decodes a buffer in several (Silero VAD, the encoder, beam search, word alignment), so the running
decode is dropped at the next of them: Stop then waits for one call at most.

``cancellable(model, event)`` is the faster-whisper model (a shallow copy: the weights are shared)
whose CTranslate2 calls raise ``DecodeCancelled`` once ``event`` is set.
"""
from __future__ import annotations

import copy
import threading

__all__ = ["DecodeCancelled", "cancellable"]

_CALLS = ("encode", "generate", "align", "detect_language")


class DecodeCancelled(Exception):
    """The decode was given up (Stop no longer needs it)."""


class _Gate:
    """CTranslate2's Whisper model, checking ``event`` before each call that computes."""

    def __init__(self, inner, event: threading.Event):
        self._inner, self._event = inner, event

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name not in _CALLS:
            return attr

        def call(*args, **kwargs):
            if self._event.is_set():
                raise DecodeCancelled(name)
            return attr(*args, **kwargs)
        return call


def cancellable(model, event: threading.Event):
    """``model`` (a faster-whisper ``WhisperModel``) with its decoding calls gated by ``event``."""
    gated = copy.copy(model)
    gated.model = _Gate(model.model, event)
    return gated
