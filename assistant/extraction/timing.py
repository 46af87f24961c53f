"""Audio times of evidence: character spans -> Whisper word timestamps, so the review screen can play
the words a field came from. Extraction runs on redacted text; ``to_original`` (from
``RedactionResult.to_original``) maps its offsets back to the transcript's."""
from __future__ import annotations

from typing import Callable

from assistant.extraction.schema import Extraction

__all__ = ["add_audio_times"]


def add_audio_times(extraction: Extraction, transcript, to_original: Callable[[int], int] | None = None) -> Extraction:
    """Fill ``t0``/``t1`` (seconds) of every evidence span from ``transcript.time_of_span``; returns the same
    object. Spans over no word (an empty transcript) keep None."""
    conv = to_original or (lambda i: i)
    for f in extraction.fields.values():
        for ev in f.evidence:
            start, end = conv(ev.start), conv(ev.end)
            times = transcript.time_of_span(start, end)
            if times:
                ev.t0, ev.t1 = times
    return extraction
