"""Streaming dictation: committed words while the officer speaks, the note ready at Stop.

``DictationStream(officer, consent_id)``: ``feed(samples)`` as audio arrives (16 kHz float32),
``committed_text()`` for the screen, ``stop()`` for the stored pending note (the pipeline's
``ProcessResult``). An interrupted stream is finished by ``casenote resume``.
"""
from assistant.streaming.agreement import HypWord, LocalAgreement
from assistant.streaming.session import DEFAULT_STREAM_MODEL, DictationStream, StreamOptions, StreamStopped
from assistant.streaming.speaker_stream import StreamingSpeakerCheck

__all__ = ["DictationStream", "StreamOptions", "StreamStopped", "DEFAULT_STREAM_MODEL", "LocalAgreement", "HypWord",
           "StreamingSpeakerCheck"]
