"""A live dictation: audio in as it is spoken, committed words out while the officer speaks, and at
Stop the same pending note ``casenote process`` would store.

How it works:
- ``feed`` appends each chunk to the recording in the store (durably, before anything else), then
  to an in-memory copy; a worker thread wakes every ``min_chunk_s`` of new audio.
- The worker scores the new audio for the speaker check (``StreamingSpeakerCheck``), silences other
  voices, and re-decodes the *buffer* (the audio after the last trim point) with faster-whisper and
  the batch decoding options, prompted with the committed text before the buffer.
- LocalAgreement-2 commits what two consecutive decodings agree on. The buffer is cut at the end of
  a committed Whisper segment once it is longer than ``trim_s``, and never grows past
  ``max_buffer_s`` (the pending words up to the cut are committed first), so a decode never takes
  longer as the dictation goes on and the lag behind speech stays bounded. Silence (Silero VAD
  inside faster-whisper finds no speech) is dropped from the buffer.
- ``stop`` decodes only the uncommitted tail once more, commits it, then hands the transcript and
  speaker report to the pipeline's own stages (redaction, extraction, the note), whose models were
  loaded when the dictation started.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from assistant.audio import SAMPLE_RATE
from assistant.store import ConsentRequired, NotFound, Store, validate_officer_id
from assistant.store.validate import contact_date as validate_contact_date
from assistant.streaming.agreement import HypWord, LocalAgreement
from assistant.streaming.speaker_stream import StreamingSpeakerCheck

__all__ = ["DEFAULT_STREAM_MODEL", "StreamOptions", "DictationStream", "StreamStopped"]

# Chosen by benchmarks/streaming_bench.py (README, "Streaming dictation").
DEFAULT_STREAM_MODEL = "tiny.en"


class StreamStopped(RuntimeError):
    """The dictation no longer takes audio: stopped, capped at the limit, or its consent revoked."""


@dataclass(frozen=True)
class StreamOptions:
    model: str | None = DEFAULT_STREAM_MODEL
    beam_size: int = 5                 # as the batch pipeline: the same decoding, so the same words
    min_chunk_s: float = 1.0           # decode at most this often (more often only adds CPU)
    trim_s: float = 12.0               # past this, cut the buffer at a committed segment end
    max_buffer_s: float = 24.0         # hard bound (Whisper sees 30 s at most)
    prompt_chars: int = 200            # committed text before the buffer given as context
    max_duration_s: float = 15 * 60    # the dictation cap


@dataclass
class _Seg:                         # a faster-whisper-like segment, for assistant.transcribe.assemble
    start: float
    end: float
    words: list
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


@dataclass
class _FwWord:
    word: str
    start: float
    end: float
    probability: float


@dataclass
class StreamStats:
    decodes: int = 0
    decode_s: float = 0.0
    lag: list[tuple[float, float]] = field(default_factory=list)       # (audio time of word end, seconds late)
    buffer: list[tuple[float, float]] = field(default_factory=list)    # (audio time, buffer seconds)


class DictationStream:
    """One live dictation under an active consent. Thread-safe: ``feed`` from the capture thread,
    ``committed_text`` from anywhere, ``stop`` once."""

    def __init__(self, officer: str, consent_id: str, contact_date: str | dt.date | None = None,
                 store: Store | None = None, options: StreamOptions = StreamOptions(), paced_by_audio: bool = False):
        """``paced_by_audio``: decode inside ``feed`` at every ``min_chunk_s`` of audio instead of in a
        worker thread by the clock; the same result whatever the machine's load (for measuring WER)."""
        self.store = store or Store()
        validate_officer_id(officer)
        self.officer, self.consent_id, self.options = officer, consent_id, options
        self.contact_date = validate_contact_date(contact_date)
        self.store.active_consent(consent_id, officer)
        self._model, self._model_info, self._load_s = self._load_models()
        self.recording = self.store.start_stream_recording(consent_id, officer, self.contact_date)
        self.speaker = StreamingSpeakerCheck(self.store.get_voiceprint(officer))
        self._audio = np.zeros(int(options.max_duration_s * SAMPLE_RATE), dtype=np.float32)
        self._n = 0                        # samples received
        self._fed_at: list[tuple[int, float]] = []   # (samples received, wall clock) per chunk
        self._buf_start = 0                # first sample of the decode buffer
        self._decoded_to = 0
        self.agreement = LocalAgreement()
        self.stats = StreamStats()
        self.capped = self.revoked = False
        self._stopping = False
        self._cond = threading.Condition()
        self._state = threading.RLock()     # speaker check and committed words: worker vs Stop
        self._paced_by_audio = paced_by_audio
        self._worker = threading.Thread(target=self._run, name="casenote-stream-decoder", daemon=True)
        if not paced_by_audio:
            self._worker.start()

    # -- models ------------------------------------------------------------------------------------
    def _load_models(self):
        from assistant.pipeline import warm_text_models
        from assistant.transcribe import load_model

        model, info, load_s = load_model(self.options.model)
        # Redaction and extraction are ready before Stop; loading them costs no one any waiting.
        threading.Thread(target=warm_text_models, args=(self.contact_date and dt.date.fromisoformat(self.contact_date),),
                         name="casenote-warm-text-models", daemon=True).start()
        return model, info, load_s

    # -- capture -----------------------------------------------------------------------------------
    @property
    def duration_s(self) -> float:
        return self._n / SAMPLE_RATE

    def feed(self, samples: np.ndarray) -> bool:
        """Add 16 kHz mono float32 samples. Returns False once the dictation takes no more audio
        (the cap was reached: the rest was not kept). Raises StreamStopped after Stop or revocation."""
        if self._stopping or self.revoked:
            raise StreamStopped("this dictation has stopped; start a new one")
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        room = len(self._audio) - self._n
        if len(samples) > room:
            samples, self.capped = samples[:room], True
        if len(samples):
            try:
                self.store.append_stream_audio(self.recording["id"], samples)
            except (ConsentRequired, NotFound) as e:   # NotFound: the revocation already erased it
                self._revoked()
                raise ConsentRequired("the consent for this dictation was revoked: capture stopped and what "
                                      "was captured is erased") from e
            with self._cond:
                self._audio[self._n:self._n + len(samples)] = samples
                self._n += len(samples)
                self._fed_at.append((self._n, time.monotonic()))
                self._cond.notify()
            step = int(self.options.min_chunk_s * SAMPLE_RATE)
            while self._paced_by_audio and self._n - self._decoded_to >= step:
                self._step(self._decoded_to + step, final=False)
        return not self.capped

    def _revoked(self) -> None:
        """Consent withdrawn mid-dictation: stop, and keep nothing in memory either."""
        self.revoked = True
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._worker.ident is not None:
            self._worker.join()
        self._audio[:] = 0.0
        self.agreement = LocalAgreement()

    # -- what the officer sees ---------------------------------------------------------------------
    def committed_text(self) -> str:
        return _join([w.raw for w in self.agreement.committed])

    def pending_text(self) -> str:
        return _join([w.raw for w in self.agreement.pending])

    # -- decoding ----------------------------------------------------------------------------------
    def _run(self) -> None:
        step = int(self.options.min_chunk_s * SAMPLE_RATE)
        while True:
            with self._cond:
                while not self._stopping and self._n - self._decoded_to < step:
                    self._cond.wait(timeout=0.5)
                if self._stopping:
                    return
                n = self._n
            self._step(n, final=False)

    def _masked_buffer(self, n: int) -> np.ndarray:
        audio = self._audio[:n]
        with self._state:
            self.speaker.update(audio)
            removed = self.speaker.removed(n / SAMPLE_RATE)
        buf = audio[self._buf_start:n].copy()
        for a, b in removed:
            lo, hi = max(int(a * SAMPLE_RATE) - self._buf_start, 0), int(np.ceil(b * SAMPLE_RATE)) - self._buf_start
            if hi > 0:
                buf[lo:hi] = 0.0
        return buf

    def _decode(self, buf: np.ndarray) -> tuple[list[HypWord], list[float]]:
        from assistant.transcribe import TranscribeOptions, decode_options
        from assistant.vocabulary import load_terms

        offset = self._buf_start / SAMPLE_RATE
        before = [w.raw for w in self.agreement.committed if w.end <= offset + 0.01]
        prompt = _join(before)[-self.options.prompt_chars:] or None
        opts = decode_options(TranscribeOptions(model=self.options.model, beam_size=self.options.beam_size),
                              load_terms())
        t0 = time.perf_counter()
        segments, _ = self._model.transcribe(buf, initial_prompt=prompt, **opts)
        words, seg_ends = [], []
        for i, s in enumerate(segments):
            stats = (float(s.avg_logprob), float(s.no_speech_prob), float(s.compression_ratio))
            words += [HypWord(w.word, offset + w.start, offset + w.end, float(w.probability), i, stats)
                      for w in (s.words or []) if w.word.strip()]
            seg_ends.append(offset + s.end)
        self.stats.decodes += 1
        self.stats.decode_s += time.perf_counter() - t0
        return words, seg_ends

    def _step(self, n: int, final: bool) -> None:
        buf = self._masked_buffer(n)
        words, seg_ends = self._decode(buf)
        with self._state:
            if self._stopping and not final:
                return      # Stop was pressed meanwhile: its own final decode decides
            new = self.agreement.commit_all(words) if final else self.agreement.update(words)
            self._decoded_to = n
            now = time.monotonic()
            for w in new:
                self.stats.lag.append((round(w.end, 2), round(now - self._wall_at(w.end), 3)))
            self.stats.buffer.append((round(n / SAMPLE_RATE, 2), round(len(buf) / SAMPLE_RATE, 2)))
            if not final:
                self._trim(n, words, seg_ends)

    def _wall_at(self, t: float) -> float:
        """When the sample at ``t`` seconds arrived."""
        target = int(t * SAMPLE_RATE)
        for count, wall in self._fed_at:
            if count >= target:
                return wall
        return self._fed_at[-1][1]

    def _trim(self, n: int, words: list[HypWord], seg_ends: list[float]) -> None:
        start_s, end_s = self._buf_start / SAMPLE_RATE, n / SAMPLE_RATE
        committed_end = self.agreement.committed_end
        cut = None
        if not words and end_s - start_s > 2.0:
            cut = end_s - 1.0                              # silence only: keep the last second
        elif not self.agreement.pending and committed_end > start_s and end_s - committed_end > 1.0:
            cut = committed_end                            # everything heard is committed
        elif end_s - start_s > self.options.trim_s:
            done = [e for e in seg_ends if e <= committed_end + 0.01]
            cut = done[-1] if done else None
        if cut is None and end_s - start_s > self.options.max_buffer_s:
            cut = end_s - self.options.trim_s / 2          # a bound, whatever the hypotheses do
            self.agreement.commit_until(cut)
        if cut is not None and cut > start_s:
            self._buf_start = min(int(cut * SAMPLE_RATE), n)
        # Keep only what _wall_at can still be asked about.
        keep_from = next((i for i, (c, _) in enumerate(self._fed_at) if c >= self._buf_start), 0)
        del self._fed_at[:max(0, keep_from - 1)]

    # -- stop --------------------------------------------------------------------------------------
    def stop(self):
        """Decode the uncommitted tail, then store the note for review; returns the pipeline's
        ``ProcessResult`` (``NoSpeech`` if nothing was said, recording discarded)."""
        from assistant.pipeline import complete_recording

        t0 = time.perf_counter()
        transcript, check = self.finish_transcript()
        rid = self.recording["id"]
        rec = self.store.finish_stream_recording(rid)
        self.store.save_stage_result(rid, "speaker_checked", check.to_dict())
        self.store.save_stage_result(rid, "transcribed", transcript.to_dict())
        self._audio = np.zeros(0, dtype=np.float32)
        result = complete_recording(self.store, rec, max_duration_s=self.options.max_duration_s)
        result.timing = {**result.timing, "stop_to_review_s": round(time.perf_counter() - t0, 3)}
        return result

    def finish_transcript(self):
        """Stop taking audio, decode the uncommitted tail once, commit it; returns (Transcript,
        SpeakerCheck) without storing a note (``stop`` stores it; a benchmark may ``discard``)."""
        if self.revoked:
            raise StreamStopped("the consent was revoked; the dictation was erased")
        with self._cond, self._state:    # _state: a decode finishing now either lands before, or is dropped
            self._stopping = True
            self._cond.notify()
            n = self._n
        if self._tail_has_speech(n):
            if self._worker.ident is not None:
                self._worker.join()
            self._step(n, final=True)
        # else: all speech is committed (the officer paused before Stop); an in-flight decode, if
        # any, is ignored rather than waited for.
        with self._state:
            return self._transcript(n), self.speaker.report(n / SAMPLE_RATE)

    def _tail_has_speech(self, n: int) -> bool:
        """Is there speech after the last committed word (Silero VAD, a few milliseconds)?"""
        from assistant.pipeline import has_speech

        if self.agreement.pending:
            return True
        start = max(self._buf_start, int(self.agreement.committed_end * SAMPLE_RATE))
        return n - start > SAMPLE_RATE // 10 and has_speech(self._masked_buffer(n)[start - self._buf_start:])

    def discard(self) -> None:
        """Erase the recording (audio and everything about it); the dictation is not kept."""
        self.store.discard_recording(self.recording["id"], reason="dictation discarded", actor=self.officer)
        self._audio = np.zeros(0, dtype=np.float32)

    def _transcript(self, n: int):
        from assistant.transcribe import Timing, Transcript, assemble

        removed = self.speaker.removed(n / SAMPLE_RATE)
        words = [w for w in self.agreement.committed
                 if not any(a <= (w.start + w.end) / 2 <= b for a, b in removed)]
        text, segments = assemble(_segments(words))
        return Transcript(text=text, language="en", duration_s=round(n / SAMPLE_RATE, 3), model=self._model_info.name,
                          segments=segments, timing=Timing(round(self._load_s, 3), round(self.stats.decode_s, 3)),
                          options={"beam_size": self.options.beam_size, "vad": True, "streaming": "LocalAgreement-2",
                                   "model_path": self._model_info.path})


def _join(raws: list[str]) -> str:
    return "".join(raws).strip()


def _segments(words: list[HypWord]) -> list[_Seg]:
    """Committed words grouped into segments: a new one after a sentence end or a pause of 1 s."""
    out: list[_Seg] = []
    for w in words:
        fw = _FwWord(w.raw, w.start, w.end, w.probability)
        last = out[-1] if out else None
        if last is None or last.words[-1].word.strip()[-1:] in ".?!" or w.start - last.end > 1.0:
            out.append(_Seg(w.start, w.end, [fw], *w.seg_stats))
        else:
            last.words.append(fw)
            last.end = w.end
    return out
