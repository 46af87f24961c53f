"""Recordings that arrive as a stream (live dictation): registered before the first sample, appended
to as audio arrives, so a closed tab or a killed server loses nothing, then closed into a WAV file
that the pipeline treats like any imported recording.

Every byte of streamed audio goes through ``append_stream_audio`` and ``finish_stream_recording``,
and both keep it encrypted at rest: each append is a sealed record (``audiofile.append_record``) and
the closed recording is stored like any import (AES-GCM chunks, ``<audio_file>.enc``). The audio is checked against its consent on every append, and
a revocation that lands mid-append is honoured by erasing what the append wrote.
"""
from __future__ import annotations

import hashlib
import io
import uuid
import wave
from pathlib import Path

import numpy as np

from assistant import paths
from assistant.store.audiofile import append_record, audio_key, read_records
from assistant.store.errors import ConsentRequired, StoreError
from assistant.store.store import _erase_recording_files, now_iso

__all__ = ["StreamsMixin", "STREAM_PREFIX", "is_stream"]

STREAM_PREFIX = "stream:"     # sha256 column of a recording still being captured (no digest yet)
_SAMPLE_RATE = 16_000
_PART = ".stream"             # sealed records of 16-bit PCM while capturing; "<id>.wav.stream"


def is_stream(rec: dict) -> bool:
    return rec["sha256"].startswith(STREAM_PREFIX)


def _pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2").tobytes()


class StreamsMixin:
    def start_stream_recording(self, consent_id: str, officer: str, contact_date: str) -> dict:
        """Register a live dictation (stage ``importing``, no audio yet) under an active consent."""
        rec = self.add_recording(consent_id, officer, STREAM_PREFIX + uuid.uuid4().hex, ".wav", 0.0, contact_date)
        self._stream_file(rec["id"]).touch(mode=0o600)
        return rec

    def _stream_file(self, recording_id: str) -> Path:
        return paths.audio_dir() / (self.get_recording(recording_id)["audio_file"] + _PART)

    def stream_audio_path(self, recording_id: str) -> Path:
        return self._stream_file(recording_id)

    def append_stream_audio(self, recording_id: str, samples: np.ndarray) -> None:
        """Append 16 kHz float samples to a live recording, durably. Raises ConsentRequired once the
        consent is revoked (and erases anything a revocation racing this append left behind)."""
        rec = self.get_recording(recording_id)      # NotFound once revoked and erased
        self.active_consent(rec["consent_id"], rec["officer"])
        path = paths.audio_dir() / (rec["audio_file"] + _PART)
        index = self._stream_records.get(recording_id)
        if index is None:     # a new Store (another request) continues after what is on disk
            index = read_records(path, self._stream_key(recording_id))[1]
        append_record(path, self._stream_key(recording_id), index, _pcm16(samples))
        self._stream_records[recording_id] = index + 1
        if self.get_consent(rec["consent_id"])["revoked_at"]:
            _erase_recording_files(recording_id)
            raise ConsentRequired("the consent for this dictation was revoked; capture stopped and the audio was erased")

    @property
    def _stream_records(self) -> dict:
        if not hasattr(self, "_stream_record_counts"):
            self._stream_record_counts = {}
        return self._stream_record_counts

    def _stream_key(self, recording_id: str) -> bytes:
        return audio_key(self._key(recording_id))

    def stream_samples(self, recording_id: str) -> np.ndarray:
        """Everything captured so far, as 16 kHz float32 (a torn last sample is dropped)."""
        raw = read_records(self._stream_file(recording_id), self._stream_key(recording_id))[0]
        return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32767

    def finish_stream_recording(self, recording_id: str) -> dict:
        """Close a live recording into its WAV file and give it its digest; stage ``imported``.
        Safe to repeat after a crash at any point of it."""
        rec = self.get_recording(recording_id)
        part = paths.audio_dir() / (rec["audio_file"] + _PART)
        if not is_stream(rec):
            return rec
        raw = read_records(part, self._stream_key(recording_id))[0] if part.is_file() else b""
        if len(raw) < 2:
            raise StoreError(f"recording {recording_id} has no captured audio")
        wav = io.BytesIO()
        with wave.open(wav, "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(_SAMPLE_RATE)
            wf.writeframes(raw[: len(raw) // 2 * 2])
        data = wav.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        self._store_audio(recording_id, io.BytesIO(data), digest)   # encrypted, like any import
        duration = (len(raw) // 2) / _SAMPLE_RATE
        with self._tx():
            self.conn.execute("UPDATE recordings SET sha256=?, duration_s=?, stage='imported', updated_at=? WHERE id=?",
                              (digest, duration, now_iso(), recording_id))
        part.unlink(missing_ok=True)
        return self.get_recording(recording_id)
