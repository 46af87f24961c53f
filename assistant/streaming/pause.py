"""The moment the officer stops speaking, found as the audio arrives.

Stop usually comes a second or less after the last word. The decode running then started before
that word ended, so it cannot be final, and Stop had to decode the buffer once more (about a second
on 2 cores). When a pause begins, the engine instead gives up that decode and starts one that hears
the whole sentence: if the officer then presses Stop, that decode is the final one and is already
under way; if they go on speaking, one decode's work was spent early (the live text is at most one
decode later).

Silero VAD (shipped with faster-whisper, ~3 ms for the last second of audio on this CPU) is run on
the newest audio every ``every_s``; a pause is ``pause_s`` of frames below the speech threshold
after at least one speech frame. Each pause is reported once.
"""
from __future__ import annotations

import numpy as np

__all__ = ["PauseDetector"]

_FRAME = 512                 # Silero's frame at 16 kHz (32 ms)
_SPEECH, _QUIET = 0.5, 0.35  # the frame probabilities Silero's own segmentation uses (threshold, neg_threshold)


class PauseDetector:
    def __init__(self, pause_s: float = 0.25, look_s: float = 1.0, every_s: float = 0.1, rate: int = 16000):
        self.pause_frames = max(1, int(round(pause_s * rate / _FRAME)))
        self.look = max(self.pause_frames + 1, int(look_s * rate / _FRAME)) * _FRAME
        self.every = int(every_s * rate)
        self._checked = 0
        self._reported_end = -1

    def update(self, audio: np.ndarray, n: int) -> int | None:
        """``audio[:n]`` is what arrived so far. Returns the sample where speech ended if a pause has
        just begun there (once per pause), else None."""
        if n - self._checked < self.every or n < self.look:
            return None
        self._checked = n
        from faster_whisper.vad import get_vad_model

        start = n - self.look
        probs = np.asarray(get_vad_model()(np.ascontiguousarray(audio[start:n], dtype=np.float32))).reshape(-1)
        speech = np.flatnonzero(probs >= _SPEECH)
        if not len(speech):
            return None
        last = int(speech[-1])
        quiet_after = probs[last + 1:]
        if len(quiet_after) < self.pause_frames or np.any(quiet_after >= _QUIET):
            return None
        end = start + (last + 1) * _FRAME
        if end <= self._reported_end + _FRAME:
            return None                       # the same pause, seen again
        self._reported_end = end
        return end
