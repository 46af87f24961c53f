"""Gold dictations (format: ../shared/spec/gold-format.md) and their Whisper transcripts.

``transcribe_gold`` synthesises each item's ``spoken`` text with each voice, transcribes it with
the real model, and caches the transcript (keyed by the audio and ``decoder_fingerprint``) under
``.cache/eval-transcripts`` so that repeated evaluations do not pay for Whisper again.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.transcribe import Transcript, TranscribeOptions, decoder_fingerprint, transcribe
from assistant.vocabulary import load_terms
from eval.engines.job import TranscriptionJob, run_items
from eval.synth import cached_synthesis

__all__ = ["GOLD_DIR", "load_gold", "project_gold_files", "GoldTranscript", "transcribe_gold", "cached_transcribe",
           "transcript_cache_path", "leak_id_digits"]

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


def transcript_cache_path(audio: Path, options: TranscribeOptions, cache_dir: str | Path | None = None,
                          threads: int | None = None) -> Path:
    """Where the transcript of ``audio`` decoded with ``options`` is cached. The key is the audio's
    bytes plus ``decoder_fingerprint`` (model files, library versions, the CPU instruction set, the
    thread count, options with the resolved hotword list, the transcription code), so a cached
    transcript is never answered for a decode that could have come out differently."""
    audio_sha = hashlib.sha256(Path(audio).read_bytes()).hexdigest()
    key = hashlib.sha256(json.dumps([audio_sha, decoder_fingerprint(options, threads)]).encode()).hexdigest()[:24]
    return Path(cache_dir or _CACHE) / "eval-transcripts" / f"{key}.json"


def cached_transcribe(audio: Path, options: TranscribeOptions = TranscribeOptions(),
                      cache_dir: str | Path | None = None) -> Transcript:
    """``transcribe(audio, options)`` in this process, cached at ``transcript_cache_path``."""
    tpath = transcript_cache_path(audio, options, cache_dir)
    if tpath.exists():
        return Transcript.from_dict(json.loads(tpath.read_text()))
    t = transcribe(audio, options)
    _write_atomic(tpath, t.to_dict())
    return t


def _write_atomic(path: Path, data: dict) -> None:
    """Another process reading the cache never sees a half-written transcript."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)


def transcribe_gold(items: list[dict], voices=("espeak", "piper"), options: TranscribeOptions = TranscribeOptions(),
                    cache_dir: str | Path | None = None, progress=None, engine=None) -> list[GoldTranscript]:
    """``engine`` (from ``eval.engines.open_engine``, entered) transcribes what is not cached yet;
    None transcribes in this process. The speech is synthesised here either way."""
    cache = Path(cache_dir) if cache_dir else _CACHE
    # The resolved hotword list, not the option: None means "whatever is configured" (on the driver).
    terms = list(options.vocabulary) if options.vocabulary is not None else load_terms()
    threads = engine.cpu_threads if engine else None
    planned = []
    for item in items:
        for voice in voices:
            audio = cached_synthesis(item["spoken"], voice, cache / "eval-speech")
            planned.append((item, voice, audio, transcript_cache_path(audio, options, cache, threads)))
    todo = {str(tpath): {"id": str(tpath), "audio": str(audio)} for _, _, audio, tpath in planned
            if not tpath.exists()}
    if progress and len(planned) > len(todo):
        progress(len(planned) - len(todo))
    if todo:
        job = TranscriptionJob(options.model, options.beam_size, tuple(terms), threads, keep_transcript=True)
        for rec in _transcribe_all(job, list(todo.values()), engine, progress):
            if "error" in rec:
                raise RuntimeError(f"Transcribing {rec['id']} failed: {rec['error']}")
            _write_atomic(Path(rec["id"]), rec["transcript"])
    return [GoldTranscript(item, voice, audio, Transcript.from_dict(json.loads(tpath.read_text())))
            for item, voice, audio, tpath in planned]


def _transcribe_all(job: TranscriptionJob, items: list[dict], engine, progress):
    """Per-utterance records, in this process (the shared loop) or on ``engine``."""
    if engine is None:
        for kind, rec in run_items(job, items):
            if kind == "utterance":
                if progress:
                    progress(1)
                yield rec
    else:
        yield from engine.run(job, items, progress)["utterances"].values()


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
