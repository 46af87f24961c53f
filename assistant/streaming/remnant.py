"""Whisper's decode of the silence left after the last word of a buffer: dropped.

A streamed buffer (at most ``max_buffer_s``, under Whisper's 30 s) fits in one Whisper window. When
that window's last segment does not end on a timestamp token, faster-whisper (as openai-whisper)
seeks to the end of the last word and decodes what is left as a new 30 s window. At the end of a
dictation what is left is the trailing silence (faster-whisper's VAD keeps 400 ms of it), and Whisper
fills that window with its end-of-audio phrases ("Welcome.", "Thank you very much.", a repeated
sentence) at no-speech probabilities of 0.5, just under the 0.6 its own skip rule needs. Batch
decoding of the whole file rarely meets such a remnant (its windows are full of speech), so the
streamed text gained words batch never wrote.

A later window is kept only if Silero VAD finds speech after the last word already decoded: a word
the first window missed is still transcribed; a window over silence is not.
"""
from __future__ import annotations

__all__ = ["without_silent_remnant", "REMNANT_SPEECH_S"]

# Speech must reach this far past the last decoded word for a later window to hold new words
# (Whisper's word ends can fall before the end of the sound: a word's tail is not new speech).
REMNANT_SPEECH_S = 0.4


def without_silent_remnant(segments: list, buf, sample_rate: int = 16000) -> list:
    """``segments`` (faster-whisper's, buffer times) without those of a later window over silence."""
    if not segments:
        return segments
    speech_end = None
    heard_to, window, out = 0.0, segments[0].seek, []
    for s in segments:
        if s.seek != window:
            if speech_end is None:
                speech_end = _speech_end_s(buf, sample_rate)
            if speech_end <= heard_to + REMNANT_SPEECH_S:
                break                        # this window and any after it: silence only
            window = s.seek
        out.append(s)
        ends = [w.end for w in (s.words or [])]
        heard_to = max([heard_to, *ends]) if ends else max(heard_to, s.end)
    return out


def _speech_end_s(buf, sample_rate: int) -> float:
    """Where Silero VAD hears the buffer's speech end (no padding); 0.0 if it hears none."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    # A short min_silence: faster-whisper's default (2 s) counts a trailing pause shorter than 2 s
    # as speech up to the end of the buffer, which is just the silence this looks for.
    spans = get_speech_timestamps(buf, VadOptions(speech_pad_ms=0, min_silence_duration_ms=100),
                                  sampling_rate=sample_rate)
    return spans[-1]["end"] / sample_rate if spans else 0.0
