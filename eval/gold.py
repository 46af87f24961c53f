"""Gold dictations (format: ../shared/spec/gold-format.md) and their Whisper transcripts.

``transcribe_gold`` synthesises each item's ``spoken`` text with each voice, transcribes it with
the real model, and caches the transcript (keyed by voice, text and model options) under
``.cache/eval-transcripts`` so that repeated evaluations do not pay for Whisper again.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.transcribe import Transcript, TranscribeOptions, decoder_fingerprint, transcribe
from eval.synth import cached_synthesis

__all__ = ["GOLD_DIR", "load_gold", "project_gold_files", "GoldTranscript", "transcribe_gold", "cached_transcribe",
           "leak_id_digits"]

GOLD_DIR = Path(__file__).parent / "gold"
_CACHE = Path(__file__).resolve().parents[1] / ".cache"


def load_gold(path: str | Path) -> list[dict]:
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(items, list) or not all("id" in i and "spoken" in i for i in items):
        raise ValueError(f"{path} is not a list of gold dictations (each needs 'id' and 'spoken').")
    return items


def project_gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.json"))


@dataclass
class GoldTranscript:
    item: dict
    voice: str
    audio: Path
    transcript: Transcript


def cached_transcribe(audio: Path, options: TranscribeOptions = TranscribeOptions(),
                      cache_dir: str | Path | None = None) -> Transcript:
    """``transcribe(audio, options)``, cached under ``cache_dir/eval-transcripts``. The key is the
    audio's bytes plus ``decoder_fingerprint`` (model files, library versions, the CPU instruction
    set, options with the resolved hotword list, the transcription code), so a cached transcript is
    never answered for a decode that could have come out differently."""
    fingerprint = decoder_fingerprint(options)
    audio_sha = hashlib.sha256(Path(audio).read_bytes()).hexdigest()
    key = hashlib.sha256(json.dumps([audio_sha, fingerprint]).encode()).hexdigest()[:24]
    tpath = Path(cache_dir or _CACHE) / "eval-transcripts" / f"{key}.json"
    if tpath.exists():
        return Transcript.from_dict(json.loads(tpath.read_text()))
    t = transcribe(audio, options)
    tpath.parent.mkdir(parents=True, exist_ok=True)
    tmp = tpath.with_name(f".{tpath.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(t.to_dict()))
    tmp.replace(tpath)
    return t


def transcribe_gold(items: list[dict], voices=("espeak", "piper"), options: TranscribeOptions = TranscribeOptions(),
                    cache_dir: str | Path | None = None, progress=None) -> list[GoldTranscript]:
    cache = Path(cache_dir) if cache_dir else _CACHE
    out = []
    for item in items:
        for voice in voices:
            audio = cached_synthesis(item["spoken"], voice, cache / "eval-speech")
            out.append(GoldTranscript(item, voice, audio, cached_transcribe(audio, options, cache)))
            if progress:
                progress(1)
    return out


_DIGITS = {"oh": "0", "o": "0", "zero": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
           "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_REPEAT = {"double": 2, "triple": 3}


def leak_id_digits(text: str) -> str:
    """Text as the gold ``leak_id`` test reads it: spoken digits to digits, lowercase, no spaces or
    punctuation ("oh seven double two" -> "0722")."""
    import re

    words = re.findall(r"[a-z0-9]+", text.lower())
    out, repeat = [], 1
    for w in words:
        if w in _REPEAT:
            repeat = _REPEAT[w]
            continue
        tok = _DIGITS.get(w, w)
        out.append(tok * repeat if len(tok) == 1 else tok)
        repeat = 1
    return "".join(out)
