"""Whisper for short buffers: the encoder sees the buffer (plus a little silence), not 30 s.

faster-whisper pads every window to Whisper's 30 s (3000 mel frames), so each decode pays the full
encoder whatever the buffer holds: 0.5 s of the 0.8 s a 5 s buffer costs on 2 quiet cores with
tiny.en. The encoder's attention is quadratic in its input, and CTranslate2 accepts fewer frames
(the positional embedding is sliced): 10 s of frames encode in 0.06 s. But Whisper hallucinates
on windows shorter than it was trained on (+2.35 WER points against batch on LibriSpeech), so the
streaming engine uses this only when asked (``StreamOptions(fit_encoder="final"|"always")``;
benchmarks/streaming_bench.py, README "Streaming dictation").

``FittedWhisper`` is a ``WhisperModel`` whose ``encode`` drops the padding past the frame count set
for the calling thread (``fitted_frames``); every other call decodes exactly as faster-whisper does.
"""
from __future__ import annotations

import contextlib
import threading
import time

__all__ = ["load_fitted_model", "fitted_frames", "PAD_S"]

# Silence kept after the buffer's last frame: Whisper was trained on speech followed by padding,
# and a buffer that ends mid-word with no room after it invites a repeated syllable.
PAD_S = 1.0

_local = threading.local()
_models: dict[tuple, object] = {}
_lock = threading.Lock()


@contextlib.contextmanager
def fitted_frames(n_samples: int):
    """Encode only the frames of ``n_samples`` of audio plus ``PAD_S``, in this thread, inside the block."""
    from assistant.audio import SAMPLE_RATE

    _local.frames = int((n_samples / SAMPLE_RATE + PAD_S) * 100) if n_samples else None   # 100 frames a second
    try:
        yield
    finally:
        _local.frames = None


def _fitted_class():
    from faster_whisper import WhisperModel

    class FittedWhisper(WhisperModel):
        def encode(self, features):
            frames = getattr(_local, "frames", None)
            if frames and features.shape[-1] > frames:
                frames += frames % 2                     # the encoder halves the frame count
                features = features[..., :frames]
            return super().encode(features)

    return FittedWhisper


def load_fitted_model(model: str | None = None):
    """``(FittedWhisper, ModelInfo, load_seconds)``, cached per process like ``transcribe.load_model``."""
    import assistant  # noqa: F401  (the offline environment)
    from assistant.transcribe import _device, cpu_threads
    from models import resolve_model

    info = resolve_model(model)
    device, compute_type = _device()
    key = (info.path, device, compute_type, cpu_threads())
    with _lock:
        if key in _models:
            return _models[key], info, 0.0
        t0 = time.perf_counter()
        # Two CTranslate2 workers (weights shared): the tail decoded at Stop need not queue behind
        # an interim decode that is still running.
        _models[key] = _fitted_class()(info.path, device=device, compute_type=compute_type, cpu_threads=key[3],
                                       num_workers=2, local_files_only=True)
        return _models[key], info, time.perf_counter() - t0
