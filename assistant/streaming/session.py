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
- ``stop`` decodes only the uncommitted tail once more (a running decode that heard too little is given
  up at its next model call: streaming/cancel.py), commits it, then hands the transcript and
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
from assistant.streaming.cancel import DecodeCancelled, cancellable
from assistant.streaming.pause import PauseDetector
from assistant.streaming.remnant import without_silent_remnant
from assistant.streaming.speaker_stream import StreamingSpeakerCheck

__all__ = ["DEFAULT_STREAM_MODEL", "StreamOptions", "DictationStream", "StreamStopped"]

# Chosen by benchmarks/streaming_bench.py (README, "Streaming dictation").
DEFAULT_STREAM_MODEL = "tiny.en"


# A hypothesis is final at Stop if it heard this long past the end of speech (Silero's end, padded).
_VAD_PAD_MS = 100
_END_MARGIN_S = 0.1
# Committed text is redacted ahead each time it grows by this much (redaction's spaCy chunk size).
_REDACT_AHEAD_CHARS = 1500


class StreamStopped(RuntimeError):
    """The dictation no longer takes audio: stopped, capped at the limit, or its consent revoked."""


@dataclass(frozen=True)
class StreamOptions:
    model: str | None = DEFAULT_STREAM_MODEL
    beam_size: int = 5                 # as the batch pipeline: the same decoding, so the same words
    min_chunk_s: float = 1.0           # decode at most this often (more often only adds CPU)
    # Past trim_s, the buffer is cut at a committed sentence or segment end; past max_buffer_s at
    # the committed end. Shorter buffers decode faster (0.8 s for 5 s, 1.2 s for 10 s, 3.7 s for
    # 25 s on 2 quiet cores, tiny.en, beam 5) but lose context: 8/14 s cost +3.6 WER points
    # against batch on LibriSpeech, 12/24 s +0.7 (README). Stop does not wait for these decodes.
    trim_s: float = 12.0
    max_buffer_s: float = 24.0
    prompt_chars: int = 200            # committed text before the buffer given as context
    # Which decodes encode only the buffer's frames, not 30 s (streaming/window.py): "never",
    # "final" (the decode at Stop) or "always". 3-4x faster decodes, but Whisper hallucinates on
    # a window shorter than it was trained on: +2.35 WER points against batch on LibriSpeech
    # either way, against +0.72 with the full window (README), so it stays off.
    fit_encoder: str = "never"
    # At Stop, cut the buffer at its last committed sentence end first (as an interim trim would),
    # so the decode at Stop covers the last sentence, not up to max_buffer_s: a shorter wait, but
    # +1.08 WER points against batch on LibriSpeech instead of +0.72 (README), so off.
    stop_trim: bool = False
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
    stop: dict = field(default_factory=dict)      # how Stop made the tail final, and how long it took
    given_up: int = 0                              # decodes dropped for a newer one (a pause began; Stop)


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
        model, self._model_info, self._load_s = self._load_models()
        self._cancel = threading.Event()    # set at Stop: the worker's running decode is given up
        self._model = cancellable(model, self._cancel)
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
        self._inflight = 0                 # samples the worker's running decode heard (0: none running)
        self._stop_need: int | None = None # at Stop: samples a final hypothesis must have heard
        self._worker_final = False         # at Stop: the running decode heard all speech and was made final
        self._pauses = PauseDetector()
        self._wake_now = False             # a pause began: decode what arrived without waiting for min_chunk_s
        self._ner_cache: dict = {}         # spaCy's entities per chunk of committed text (redact ahead)
        self._redacted_chars = 0
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

        from assistant.streaming.window import load_fitted_model

        model, info, load_s = (load_model if self.options.fit_encoder == "never" else load_fitted_model)(self.options.model)
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
            end = self._pauses.update(self._audio, self._n)
            if end is not None:
                self._at_pause(end)
            step = int(self.options.min_chunk_s * SAMPLE_RATE)
            while self._paced_by_audio and self._n - self._decoded_to >= step:
                self._step(self._decoded_to + step, final=False)
        return not self.capped

    def _at_pause(self, end: int) -> None:
        """The officer paused after speaking (speech ended at sample ``end``): decode all that arrived
        now, giving up a running decode that heard less (pause.py says why)."""
        need = end + int((_VAD_PAD_MS / 1000 + _END_MARGIN_S) * SAMPLE_RATE)
        if self._paced_by_audio:           # the same decode, at the same audio time, whatever the load
            if self._decoded_to < need <= self._n:
                self._step(self._n, final=False)
            return
        with self._cond:
            if 0 < self._inflight < need:
                self._cancel.set()
            self._wake_now = True
            self._cond.notify()

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
                while not self._stopping and self._n - self._decoded_to < step and not self._wake_now:
                    self._cond.wait(timeout=0.5)
                if self._stopping:
                    return
                self._wake_now = False
                self._cancel.clear()       # a decode given up for a pause: this one hears the pause
                # Behind (a loaded machine): decode at most max_buffer_s, not all that arrived, so
                # a decode never spans two Whisper windows and gets slower still.
                n = min(self._n, self._buf_start + int(self.options.max_buffer_s * SAMPLE_RATE))
                self._inflight = n
            try:
                self._step(n, final=False, behind=n < self._n)
            finally:
                self._inflight = 0
            self._redact_ahead()

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

    def _decode(self, buf: np.ndarray, final: bool) -> tuple[list[HypWord], list[float]]:
        from assistant.streaming.window import fitted_frames
        from assistant.transcribe import TranscribeOptions, decode_options
        from assistant.vocabulary import load_terms

        offset = self._buf_start / SAMPLE_RATE
        before = [w.raw for w in self.agreement.committed if w.end <= offset + 0.01]
        prompt = _join(before)[-self.options.prompt_chars:] or None
        opts = decode_options(TranscribeOptions(model=self.options.model, beam_size=self.options.beam_size),
                              load_terms())
        t0 = time.perf_counter()
        words, seg_ends = [], []
        fit = self.options.fit_encoder == "always" or (final and self.options.fit_encoder == "final")
        with fitted_frames(len(buf) if fit else 0):
            segments, _ = self._model.transcribe(buf, initial_prompt=prompt, **opts)
            segments = list(segments)            # decoded lazily, inside the block
        for i, s in enumerate(without_silent_remnant(segments, buf)):
            stats = (float(s.avg_logprob), float(s.no_speech_prob), float(s.compression_ratio))
            words += [HypWord(w.word, offset + w.start, offset + w.end, float(w.probability), i, stats)
                      for w in (s.words or []) if w.word.strip()]
            seg_ends.append(offset + s.end)
        self.stats.decodes += 1
        self.stats.decode_s += time.perf_counter() - t0
        return words, seg_ends

    def _step(self, n: int, final: bool, behind: bool = False) -> None:
        buf = self._masked_buffer(n)
        try:
            words, seg_ends = self._decode(buf, final)
        except DecodeCancelled:            # a pause began or Stop was pressed: a newer decode replaces it
            self.stats.given_up += 1
            return
        with self._state:
            if self._stopping and not final:
                # Stop was pressed meanwhile. If this decode heard all the speech, it is as good as
                # the decode Stop would start (the same buffer, all speech in it), and it is done sooner.
                if self._stop_need is None or n < self._stop_need:
                    return                 # it heard too little: Stop's own tail decode decides
                final, self._worker_final = True, True
            new = self.agreement.commit_all(words) if final else self.agreement.update(words)
            self._decoded_to = n
            now = time.monotonic()
            for w in new:
                self.stats.lag.append((round(w.end, 2), round(now - self._wall_at(w.end), 3)))
            self.stats.buffer.append((round(n / SAMPLE_RATE, 2), round(len(buf) / SAMPLE_RATE, 2)))
            if not final:
                self._trim(n, words, seg_ends, behind)

    def _wall_at(self, t: float) -> float:
        """When the sample at ``t`` seconds arrived."""
        target = int(t * SAMPLE_RATE)
        for count, wall in self._fed_at:
            if count >= target:
                return wall
        return self._fed_at[-1][1]

    def _trim(self, n: int, words: list[HypWord], seg_ends: list[float], behind: bool = False) -> None:
        start_s, end_s = self._buf_start / SAMPLE_RATE, n / SAMPLE_RATE
        committed_end = self.agreement.committed_end
        cut = None
        if not words and end_s - start_s > 2.0:
            cut = end_s - 1.0                              # silence only: keep the last second
        elif not self.agreement.pending and committed_end > start_s and end_s - committed_end > 1.0:
            cut = committed_end                            # everything heard is committed
        elif end_s - start_s > self.options.trim_s:
            cut = self._committed_boundary(start_s, seg_ends)
        if cut is None and (behind or end_s - start_s > self.options.max_buffer_s):
            if committed_end > start_s + 1.0:
                cut = committed_end                        # mid-sentence: the prompt carries the context
            else:
                cut = end_s - self.options.trim_s / 2      # a bound, whatever the hypotheses do
                self.agreement.commit_until(cut)
        if cut is not None and cut > start_s:
            self._buf_start = min(int(cut * SAMPLE_RATE), n)
        # Keep only what _wall_at can still be asked about.
        keep_from = next((i for i, (c, _) in enumerate(self._fed_at) if c >= self._buf_start), 0)
        del self._fed_at[:max(0, keep_from - 1)]

    def _committed_boundary(self, start_s: float, seg_ends: list[float]) -> float | None:
        """The latest committed end of a sentence or of a Whisper segment inside the buffer: a cut
        there leaves the next decode a whole sentence to start from."""
        committed = self.agreement.committed
        nexts = committed[1:] + self.agreement.pending[:1]
        best = None
        for w, nxt in zip(committed, nexts):
            if w.end <= start_s + 0.5:
                continue
            ends_sentence = w.raw.rstrip()[-1:] in ".?!"
            ends_segment = any(abs(e - w.end) < 0.15 for e in seg_ends)
            if ends_sentence or ends_segment:
                best = (w.end + nxt.start) / 2 if nxt.start > w.end else w.end   # in the gap between words
        last = committed[-1] if committed else None
        if last is not None and last.end > start_s + 0.5 and last.raw.rstrip()[-1:] in ".?!":
            best = last.end
        return best

    # -- stop --------------------------------------------------------------------------------------
    def stop(self):
        """Decode the uncommitted tail, then store the note for review; returns the pipeline's
        ``ProcessResult`` (``NoSpeech`` if nothing was said, recording discarded)."""
        from assistant.pipeline import complete_recording

        t0 = time.perf_counter()
        transcript, check = self.finish_transcript()
        t1 = time.perf_counter()
        rid = self.recording["id"]
        rec = self.store.finish_stream_recording(rid)
        self.store.save_stage_result(rid, "speaker_checked", check.to_dict())
        self.store.save_stage_result(rid, "transcribed", transcript.to_dict())
        self._audio = np.zeros(0, dtype=np.float32)
        t2 = time.perf_counter()
        result = complete_recording(self.store, rec, max_duration_s=self.options.max_duration_s,
                                    ner_cache=self._ner_cache)
        result.timing = {**result.timing, "stop_tail_s": round(t1 - t0, 3), "stop_close_recording_s": round(t2 - t1, 3),
                         "stop_final": self.stats.stop.get("final"), "stop_to_review_s": round(time.perf_counter() - t0, 3)}
        return result

    def finish_transcript(self):
        """Stop taking audio, make the uncommitted tail final, commit it; returns (Transcript,
        SpeakerCheck) without storing a note (``stop`` stores it; a benchmark may ``discard``).

        The tail is decoded again only when no hypothesis has seen all of the speech: if the last
        decode covered audio past the end of speech (Silero VAD, a few milliseconds), its
        uncommitted words are taken as they are; if the decode running in the worker heard past
        it, Stop waits for that decode and takes it as final. Otherwise the running decode, which heard
        too little, is given up at its next model call, and the buffer is decoded once more."""
        if self.revoked:
            raise StreamStopped("the consent was revoked; the dictation was erased")
        t0 = time.perf_counter()
        with self._cond, self._state:    # _state: a decode finishing now either lands before, or waits for need
            self._stopping = True
            self._cond.notify()
            n, decoded_to = self._n, self._decoded_to
            need = self._speech_end(n)   # samples a final hypothesis must have heard; None: no speech left
            self._stop_need, inflight = need, self._inflight
        how, parts = "none", {}
        if need is not None and decoded_to >= need:
            how = "last hypothesis"
            with self._state:
                self.agreement.commit_all(self.agreement.pending)
        elif need is not None and inflight >= need and self._wait_for_worker():
            how = "decode in flight"     # the worker's running decode heard all speech and was made final
        elif need is not None:
            # The buffer is decoded once more, whole (a tail decoded alone from the last committed
            # word, with the committed text as its prompt, repeated that text: +41 WER points).
            how = "tail decode"
            self._give_up_running_decode()
            parts["gave_up_wait_s"] = round(time.perf_counter() - t0, 3)
            if self.options.stop_trim:
                cut = self._committed_boundary(self._buf_start / SAMPLE_RATE, [])
                if cut is not None and cut > self._buf_start / SAMPLE_RATE:
                    self._buf_start = int(cut * SAMPLE_RATE)
            parts["final_buffer_s"] = round((n - self._buf_start) / SAMPLE_RATE, 2)
            self._step(n, final=True)
        self.stats.stop = {"final": how, "stop_wait_decode_s": round(time.perf_counter() - t0, 3), **parts}
        with self._state:
            return self._transcript(n), self.speaker.report(n / SAMPLE_RATE)

    def _give_up_running_decode(self) -> None:
        """The worker's decode (if any) heard too little: drop it at its next model call, not at its end."""
        self._cancel.set()
        if self._worker.ident is not None:
            self._worker.join()
        self._cancel.clear()

    def _wait_for_worker(self) -> bool:
        """Wait for the worker's running decode to end; True if it was made final (it heard all speech)."""
        if self._worker.ident is not None:
            self._worker.join()
        return self._worker_final

    def _speech_end(self, n: int) -> int | None:
        """The sample a final hypothesis must reach: the end of the last speech after the committed
        words, plus a little (Whisper needs the word's end in its window); None if no speech is left."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        start = max(self._buf_start, int(self.agreement.committed_end * SAMPLE_RATE))
        if n - start <= SAMPLE_RATE // 10:
            return n if self.agreement.pending else None
        tail = self._masked_buffer(n)[start - self._buf_start:]
        # min_silence_duration_ms: Silero's default (2 s) carries a speech span over any shorter pause,
        # to the end of the audio when Stop comes sooner, so no hypothesis could ever have heard it all.
        spans = get_speech_timestamps(tail, VadOptions(speech_pad_ms=_VAD_PAD_MS, min_silence_duration_ms=_VAD_PAD_MS))
        if not spans:
            return n if self.agreement.pending else None
        return min(n, start + spans[-1]["end"] + int(_END_MARGIN_S * SAMPLE_RATE))

    def discard(self) -> None:
        """Erase the recording (audio and everything about it); the dictation is not kept."""
        self.store.discard_recording(self.recording["id"], reason="dictation discarded", actor=self.officer)
        self._audio = np.zeros(0, dtype=np.float32)

    def _redact_ahead(self) -> None:
        """Redact the committed text while the officer speaks, each time it has grown by about a
        spaCy chunk: spaCy's entities are kept per chunk, so at Stop only the last chunk is parsed
        (``redact(ner_cache=)``; the result is the same as without it). A 15-minute dictation's
        redaction would otherwise parse ~2,800 words after Stop (0.5 s on 2 quiet cores)."""
        from redaction import redact

        with self._state:
            if self._stopping:
                return
            text = self._kept_text(self._n)
        if len(text) - self._redacted_chars < _REDACT_AHEAD_CHARS:
            return
        self._redacted_chars = len(text)
        redact(text, ner_cache=self._ner_cache)

    def _kept_words(self, n: int) -> list[HypWord]:
        """The committed words outside the stretches the speaker check removed."""
        removed = self.speaker.removed(n / SAMPLE_RATE)
        return [w for w in self.agreement.committed if not any(a <= (w.start + w.end) / 2 <= b for a, b in removed)]

    def _kept_text(self, n: int) -> str:
        from assistant.transcribe import assemble

        return assemble(_segments(self._kept_words(n)))[0]

    def _transcript(self, n: int):
        from assistant.transcribe import Timing, Transcript, assemble

        text, segments = assemble(_segments(self._kept_words(n)))
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
