"""Offline Whisper transcription with word timestamps: audio in, a typed ``Transcript`` out.

The model is loaded once per process and reused. Decoding is set against Whisper's known
failure modes on dictation: Silero VAD drops silence (so silence gives empty text, not an
invented sentence), no conditioning on previous text (stops repetition loops), and the
no-speech and compression-ratio thresholds reject hallucinated segments.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass, field

import numpy as np

import assistant  # noqa: F401  (sets the offline environment before faster-whisper loads)
from assistant.audio import SAMPLE_RATE, load_audio
from assistant.vocabulary import hotwords as _hotwords
from assistant.vocabulary import load_terms
from models import ModelInfo, resolve_model

__all__ = ["Word", "Segment", "Timing", "Transcript", "TranscribeOptions", "transcribe", "load_model", "assemble",
           "decode_options"]


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


def load_model(model: str | None = None, compute_type: str | None = None):
    """Return ``(WhisperModel, ModelInfo, load_seconds)``; cached per process (load_seconds 0 if cached)."""
    from faster_whisper import WhisperModel

    info: ModelInfo = resolve_model(model)
    device, default_ct = _device()
    key = (info.path, device, compute_type or default_ct)
    with _lock:
        if key in _models:
            return _models[key], info, 0.0
        t0 = time.perf_counter()
        m = WhisperModel(info.path, device=device, compute_type=compute_type or default_ct,
                         cpu_threads=os.cpu_count() or 0, local_files_only=True)
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
