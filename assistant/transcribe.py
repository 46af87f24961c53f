"""Offline Whisper transcription with word timestamps: audio in, a typed ``Transcript`` out.

The model is loaded once per process and reused. Decoding is set against Whisper's known
failure modes on dictation: Silero VAD drops silence (so silence gives empty text, not an
invented sentence), no conditioning on previous text (stops repetition loops), and the
no-speech and compression-ratio thresholds reject hallucinated segments.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

import assistant  # noqa: F401  (sets the offline environment before faster-whisper loads)
from assistant.audio import SAMPLE_RATE, load_audio
from assistant.vocabulary import hotwords as _hotwords
from assistant.vocabulary import load_terms
from models import ModelInfo, resolve_model

__all__ = ["Word", "Segment", "Timing", "Transcript", "TranscribeOptions", "transcribe", "load_model", "assemble",
           "decode_options", "cpu_threads", "decoder_fingerprint"]


@dataclass
class Word:
    word: str            # as Whisper wrote it, without surrounding spaces
    start: float         # seconds into the audio
    end: float
    probability: float
    char_start: int      # offsets of ``word`` in Transcript.text
    char_end: int


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list[Word]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    char_start: int
    char_end: int


@dataclass
class Timing:
    load_s: float
    transcribe_s: float


@dataclass
class Transcript:
    text: str
    language: str
    duration_s: float
    model: str
    segments: list[Segment]
    timing: Timing
    options: dict = field(default_factory=dict)

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    def time_of_span(self, start: int, end: int) -> tuple[float, float] | None:
        """Audio times (seconds) of the words overlapping characters [start, end) of ``text``."""
        hit = [w for w in self.words if w.char_start < end and w.char_end > start]
        return (hit[0].start, hit[-1].end) if hit else None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Transcript":
        segs = [Segment(**{**s, "words": [Word(**w) for w in s["words"]]}) for s in d["segments"]]
        return cls(d["text"], d["language"], d["duration_s"], d["model"], segs, Timing(**d["timing"]),
                   d.get("options", {}))


@dataclass(frozen=True)
class TranscribeOptions:
    model: str | None = None          # name (tiny.en, base) or a local CTranslate2 folder
    beam_size: int = 5
    vocabulary: tuple[str, ...] | None = None   # None: $CASENOTE_HOME/vocabulary.txt if any; () : none
    vad: bool = True
    compute_type: str | None = None   # default int8 on CPU, float16 on CUDA


def _r(x, nd: int = 3) -> float:
    """Plain rounded float (faster-whisper may hand back numpy scalars, which JSON refuses)."""
    return round(float(x), nd)


_models: dict[tuple, object] = {}
_lock = threading.Lock()


def _device() -> tuple[str, str]:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        return "cuda", "float16"
    return "cpu", "int8"


def cpu_threads() -> int:
    """CTranslate2's thread count: every core, unless ``$CASENOTE_CPU_THREADS`` pins it (the
    evaluation pins it so that a local run and a Ray run decode with the same kernels)."""
    pinned = os.environ.get("CASENOTE_CPU_THREADS", "")
    return int(pinned) if pinned.isdigit() and int(pinned) > 0 else (os.cpu_count() or 0)


def load_model(model: str | None = None, compute_type: str | None = None):
    """Return ``(WhisperModel, ModelInfo, load_seconds)``; cached per process (load_seconds 0 if cached)."""
    from faster_whisper import WhisperModel

    info: ModelInfo = resolve_model(model)
    device, default_ct = _device()
    threads = cpu_threads()
    key = (info.path, device, compute_type or default_ct, threads)
    with _lock:
        if key in _models:
            return _models[key], info, 0.0
        t0 = time.perf_counter()
        m = WhisperModel(info.path, device=device, compute_type=compute_type or default_ct,
                         cpu_threads=threads, local_files_only=True)
        _models[key] = m
        return m, info, time.perf_counter() - t0


def decode_options(options: TranscribeOptions, terms: list[str]) -> dict:
    """faster-whisper's arguments for Casenote's decoding (shared by batch and streaming)."""
    return dict(
        language="en",
        beam_size=options.beam_size,
        word_timestamps=True,
        vad_filter=options.vad,
        condition_on_previous_text=False,
        no_speech_threshold=0.6,
        compression_ratio_threshold=2.4,
        log_prob_threshold=-1.0,
        hallucination_silence_threshold=2.0,
        hotwords=_hotwords(terms),
    )


def assemble(fw_segments, offset_s: float = 0.0) -> tuple[str, list[Segment]]:
    """Text and ``Segment``s (with character offsets) from faster-whisper segments whose words carry
    Whisper's own spacing; ``offset_s`` is added to every time (a streamed buffer's start)."""
    segments: list[Segment] = []
    text = ""
    for s in fw_segments:
        words: list[Word] = []
        seg_start = len(text) + (1 if text else 0)
        pieces = [(w.word.strip(), w) for w in (s.words or []) if w.word.strip()]
        if not pieces:
            continue
        if text:
            text += " "
        for i, (wtext, w) in enumerate(pieces):
            # Keep Whisper's own spacing: a word without a leading space (e.g. "'s") attaches.
            if i > 0 and w.word[:1].isspace():
                text += " "
            words.append(Word(wtext, _r(w.start + offset_s), _r(w.end + offset_s), _r(w.probability, 4),
                              len(text), len(text) + len(wtext)))
            text += wtext
        segments.append(Segment(len(segments), _r(s.start + offset_s), _r(s.end + offset_s), text[seg_start:],
                                words, _r(s.avg_logprob, 4), _r(s.no_speech_prob, 4),
                                _r(s.compression_ratio, 4), seg_start, len(text)))
    return text, segments


def transcribe(audio: str | os.PathLike | np.ndarray, options: TranscribeOptions = TranscribeOptions(),
               max_duration_s: float | None = None) -> Transcript:
    """Transcribe a file path or 16 kHz mono float32 samples (English)."""
    if not isinstance(audio, np.ndarray):
        audio = load_audio(audio, **({"max_duration_s": max_duration_s} if max_duration_s else {}))
    model, info, load_s = load_model(options.model, options.compute_type)
    terms = list(options.vocabulary) if options.vocabulary is not None else load_terms()
    kwargs = decode_options(options, terms)
    t0 = time.perf_counter()
    seg_iter, tinfo = model.transcribe(audio, **kwargs)
    text, segments = assemble(seg_iter)
    elapsed = time.perf_counter() - t0
    return Transcript(
        text=text,
        language=tinfo.language,
        duration_s=round(len(audio) / SAMPLE_RATE, 3),
        model=info.name,
        segments=segments,
        timing=Timing(round(load_s, 3), round(elapsed, 3)),
        options={"beam_size": options.beam_size, "vad": options.vad, "vocabulary": terms,
                 "model_path": info.path},
    )


def _cpu_flags() -> str:
    """The CPU's vector extensions, which pick CTranslate2's kernels when none is forced."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return " ".join(sorted(f for f in flags if f.startswith(("avx", "sse4", "fma", "f16c"))))


def decoder_fingerprint(options: TranscribeOptions = TranscribeOptions(), threads: int | None = None) -> dict:
    """Everything besides the audio that decides what ``transcribe`` writes: the model's files,
    device and compute type, the library versions, the CPU instruction set CTranslate2 runs on
    (forced by ``CT2_FORCE_CPU_ISA`` or chosen from the CPU's flags), the thread count (``threads``,
    default ``cpu_threads()``), the decode options and this module's own code. A cache of transcripts must key on all of it."""
    device, default_ct = _device()
    return {
        **_static_fingerprint(options.model), "device": device,
        "compute_type": options.compute_type or default_ct, "cpu_threads": threads or cpu_threads(),
        "isa": os.environ.get("CT2_FORCE_CPU_ISA") or _cpu_flags(),
        # The resolved hotword list, not the option: None means "whatever is configured now".
        "options": [options.beam_size, options.vad,
                    list(options.vocabulary) if options.vocabulary is not None else load_terms()],
    }


@lru_cache(maxsize=8)
def _static_fingerprint(model: str | None) -> dict:
    """The parts that cannot change within a process (resolving a model checks its files: ~1 s)."""
    from importlib.metadata import version

    info = resolve_model(model)
    code = hashlib.sha256(Path(__file__).read_bytes() + Path(load_audio.__code__.co_filename).read_bytes())
    return {"model": [info.name, info.path, info.size_bytes],
            "versions": [version("faster-whisper"), version("ctranslate2")], "code": code.hexdigest()[:16]}
