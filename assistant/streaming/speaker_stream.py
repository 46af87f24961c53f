"""The speaker check of ``assistant.speaker``, scored window by window as the dictation arrives, so
at Stop the report is ready and the other voices were silenced before Whisper heard them.

The same VAD, windows (1.6 s of speech every 0.4 s), embeddings, threshold and span rules as the
batch check: each new block of audio is judged with the last window's worth of speech before it
as context, the scores accumulate per 30 ms frame, and the removed stretches are worked out from
all of them with the batch check's own rule (``_removed_spans``).
"""
from __future__ import annotations

import numpy as np

from assistant.audio import SAMPLE_RATE
from assistant.speaker import (HOP_S, THRESHOLD, VAD_FRAME_S, WINDOW_S, SpeakerCheck, _check_voiceprint,
                               _removed_spans, _windows, kept_spans, voiced_frames)

__all__ = ["StreamingSpeakerCheck"]

_FRAME = int(VAD_FRAME_S * SAMPLE_RATE)
_CONTEXT_S = WINDOW_S + HOP_S      # speech before a block that its first windows may reach back into


class StreamingSpeakerCheck:
    """Feed it the whole recording so far (``update``); ask for the silenced stretches (``removed``)
    and, at the end, the ``SpeakerCheck`` report. Without a voiceprint it judges nothing."""

    def __init__(self, voiceprint: np.ndarray | None, threshold: float = THRESHOLD):
        self.voiceprint = None if voiceprint is None else _check_voiceprint(voiceprint)
        self.threshold = threshold
        self.voiced = np.zeros(0, dtype=bool)
        self.scores: list[tuple[float, float, float]] = []
        self._cover: list[np.ndarray] = []
        self._sims: list[float] = []
        self._judged_to = 0          # frames scored so far

    @property
    def enrolled(self) -> bool:
        return self.voiceprint is not None

    def update(self, samples: np.ndarray) -> None:
        """Judge the audio that arrived since the last call (whole 30 ms frames only)."""
        if not self.enrolled:
            return
        frames = len(samples) // _FRAME
        if frames <= len(self.voiced):
            return
        new = voiced_frames(samples[len(self.voiced) * _FRAME: frames * _FRAME])
        self.voiced = np.concatenate([self.voiced, new])
        self._score(samples, frames)

    def _score(self, samples: np.ndarray, frames: int) -> None:
        speech_before = np.flatnonzero(self.voiced[:self._judged_to])
        ctx_frames = int(_CONTEXT_S / VAD_FRAME_S)
        f0 = int(speech_before[-ctx_frames]) if len(speech_before) >= ctx_frames else 0
        region = samples[f0 * _FRAME: frames * _FRAME]
        windows, emb, cover = _windows(region, self.voiced[f0:frames], WINDOW_S, HOP_S)
        if not windows:
            return       # too little speech yet: judged when more arrives
        sims = emb @ self.voiceprint
        first_new = self._judged_to
        for w, c, s in zip(windows, cover, sims):
            c = c + f0
            if c[-1] < first_new:      # a window wholly inside audio already judged
                continue
            self._cover.append(c)
            self._sims.append(float(s))
            self.scores.append((round(w.start + f0 * VAD_FRAME_S, 3), round(w.end + f0 * VAD_FRAME_S, 3),
                                round(float(s), 4)))
        self._judged_to = frames

    def removed(self, duration_s: float) -> list[tuple[float, float]]:
        if not self.enrolled or not self._sims:
            return []
        return _removed_spans(self.voiced, self._cover, np.array(self._sims), self.threshold, duration_s)

    def report(self, duration_s: float) -> SpeakerCheck:
        """The check's report for the whole dictation, as ``check_speaker`` gives it."""
        dur = round(duration_s, 3)
        if not self.enrolled:
            return SpeakerCheck(enrolled=False, threshold=self.threshold, kept=[(0.0, dur)] if dur else [])
        removed = self.removed(dur)
        return SpeakerCheck(enrolled=True, threshold=self.threshold, kept=kept_spans(removed, dur), removed=removed,
                            scores=list(self.scores), speech_s=round(float(self.voiced.sum()) * VAD_FRAME_S, 2))
