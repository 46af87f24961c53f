"""Read an audio file into 16 kHz mono float32, or fail with an error a user can act on."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["SAMPLE_RATE", "AudioError", "AudioInfo", "probe_audio", "load_audio"]

SAMPLE_RATE = 16_000
# A file whose decoded length falls this far short of its header's is damaged, not short.
_TRUNCATION_TOLERANCE = 0.9
DEFAULT_MAX_DURATION_S = 4 * 3600


class AudioError(ValueError):
    """Bad audio input (missing, empty, not audio, truncated, too long). CLI exit code 2."""


@dataclass(frozen=True)
class AudioInfo:
    path: str
    declared_duration_s: float | None
    sample_rate: int | None
    channels: int | None


def _wav_truncation(p: Path) -> tuple[float, float] | None:
    """For a RIFF/WAVE file, (declared_s, present_s) when the data chunk is shorter than its header
    says. PyAV derives a WAV's duration from the file size, so it cannot see this itself."""
    import struct

    with open(p, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        byte_rate = None
        while True:
            hdr = fh.read(8)
            if len(hdr) < 8:
                return None
            cid, size = hdr[:4], struct.unpack("<I", hdr[4:])[0]
            if cid == b"fmt ":
                fmt = fh.read(size)
                if len(fmt) >= 12:
                    byte_rate = struct.unpack("<I", fmt[8:12])[0]
                fh.seek(size % 2, 1)
            elif cid == b"data":
                # 0 and 0xFFFFFFFF mean "unknown length" (streaming recorders): nothing to compare.
                if not byte_rate or size in (0, 0xFFFFFFFF):
                    return None
                present = p.stat().st_size - fh.tell()
                if present < _TRUNCATION_TOLERANCE * size:
                    return size / byte_rate, max(present, 0) / byte_rate
                return None
            else:
                fh.seek(size + size % 2, 1)


def probe_audio(path: str | os.PathLike) -> AudioInfo:
    """Check that ``path`` is a readable audio file without decoding it."""
    import av  # PyAV ships with faster-whisper

    p = Path(path)
    if not p.exists():
        raise AudioError(f"{p}: no such file. Check the path and try again.")
    if p.is_dir():
        raise AudioError(f"{p} is a folder, not an audio file.")
    if p.stat().st_size == 0:
        raise AudioError(f"{p} is empty (0 bytes): the recording was not saved. Record or export it again.")
    cut = _wav_truncation(p)
    if cut:
        raise AudioError(
            f"{p} looks truncated or damaged: its header says {cut[0]:.1f} s but the file holds only "
            f"{cut[1]:.1f} s. Copy or export the recording again."
        )
    try:
        with av.open(str(p)) as container:
            if not container.streams.audio:
                raise AudioError(f"{p} has no audio track. Give a WAV, FLAC, MP3, OGG or M4A recording.")
            stream = container.streams.audio[0]
            dur = container.duration / 1_000_000 if container.duration else None
            return AudioInfo(str(p), dur, stream.rate, stream.channels)
    except AudioError:
        raise
    except Exception as e:  # PyAV raises many error types for non-audio input
        raise AudioError(
            f"{p} is not an audio file Casenote can read ({type(e).__name__}). "
            "Give a WAV, FLAC, MP3, OGG or M4A recording."
        ) from None


def load_audio(path: str | os.PathLike, max_duration_s: float = DEFAULT_MAX_DURATION_S) -> np.ndarray:
    """Decode ``path`` to 16 kHz mono float32 in [-1, 1].

    Raises AudioError for a missing, empty, non-audio, truncated or over-long file.
    """
    from faster_whisper import decode_audio

    info = probe_audio(path)
    if info.declared_duration_s and info.declared_duration_s > max_duration_s:
        raise AudioError(
            f"{path} lasts {info.declared_duration_s / 60:.1f} min, over the {max_duration_s / 60:.0f} min limit. "
            "Casenote takes a post-session dictation, not a whole interview; split or shorten it."
        )
    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as e:
        raise AudioError(f"{path} could not be decoded ({type(e).__name__}: {e}). The file may be damaged.") from None
    decoded_s = len(audio) / SAMPLE_RATE
    if decoded_s > max_duration_s:
        raise AudioError(f"{path} lasts {decoded_s / 60:.1f} min, over the {max_duration_s / 60:.0f} min limit.")
    if info.declared_duration_s and info.declared_duration_s > 1.0 and decoded_s < _TRUNCATION_TOLERANCE * info.declared_duration_s:
        raise AudioError(
            f"{path} looks truncated or damaged: its header says {info.declared_duration_s:.1f} s but only "
            f"{decoded_s:.1f} s could be decoded. Copy or export the recording again."
        )
    if len(audio) == 0:
        raise AudioError(f"{path} contains no audio samples.")
    return audio.astype(np.float32, copy=False)
