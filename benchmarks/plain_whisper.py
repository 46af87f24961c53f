"""The baseline ``process`` is measured against: plain faster-whisper on a file, in a fresh process,
with exactly the decoding options ``assistant.transcribe`` uses (model, int8, beam 5, word
timestamps, Silero VAD, the same thresholds), loading the audio the same way.

    .venv/bin/python benchmarks/plain_whisper.py AUDIO [--model tiny.en]
Prints one JSON line: {"wall_s", "words"}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("audio")
    ap.add_argument("--model", default=None)
    a = ap.parse_args()
    from faster_whisper import WhisperModel

    from assistant.audio import load_audio
    from models import resolve_model

    info = resolve_model(a.model)
    model = WhisperModel(info.path, device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 0,
                         local_files_only=True)
    segments, _ = model.transcribe(load_audio(a.audio), language="en", beam_size=5, word_timestamps=True,
                                   vad_filter=True, condition_on_previous_text=False, no_speech_threshold=0.6,
                                   compression_ratio_threshold=2.4, log_prob_threshold=-1.0,
                                   hallucination_silence_threshold=2.0)
    words = sum(len(s.words or []) for s in segments)
    print(json.dumps({"wall_s": round(time.perf_counter() - T0, 3), "words": words}))


if __name__ == "__main__":
    main()
