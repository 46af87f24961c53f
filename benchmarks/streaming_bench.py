"""Streaming dictation, measured: Stop -> review-ready, lag behind speech, and streaming WER against
batch WER, through the same engine the Dictate tab uses (assistant.streaming.DictationStream).

    .venv/bin/python benchmarks/streaming_bench.py latency [--lengths 60,300,900] [--runs 1] [--model tiny.en]
    .venv/bin/python benchmarks/streaming_bench.py wer [--model tiny.en,base] [--limit 100] [--dictations 8]
    .venv/bin/python benchmarks/streaming_bench.py keepup [--model tiny.en,base] [--seconds 120]

latency: a WAV (gold dictations spoken by Piper, joined: benchmarks/dictation_audio.py) is fed at
  real-time pace in 100 ms chunks, as a microphone would; at its end Stop is pressed and the time to
  the stored, reviewable note is taken. Lag = how long after a word was spoken it was committed,
  reported per minute of the dictation (bounded means the last minute is no worse than the first).
wer:  every LibriSpeech test-other utterance of ../shared/data/real_speech/refs.tsv and N dictations,
  each fed as a stream (decoded every 1 s of audio, paced by the audio so the result does not depend
  on the machine's load), against batch `transcribe` of the same audio; both normalised by Whisper's
  English normaliser (eval.wer).
keepup: real-time factor of the streaming decoder per model (decode seconds / audio seconds, with
  the buffer re-decoded every second): below 1 keeps up, the margin is what is left for the system.

Numbers are printed with the load average; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("CASENOTE_SHARED", ROOT.parent / "shared"))
CHUNK_S = 0.1


_HOME = tempfile.TemporaryDirectory(prefix="casenote-stream-bench-")   # one store per run (models cache too)
os.environ["CASENOTE_HOME"] = _HOME.name
# A scratch store of its own: its passphrase is only ever this benchmark's.
os.environ.setdefault("CASENOTE_PASSPHRASE", "benchmark passphrase (scratch store)")


def _stream(samples, model, paced_by_audio, store=None, consent=None):
    from assistant.store import Store
    from assistant.streaming import DictationStream, StreamOptions

    store = store or Store()
    consent = consent or store.grant_consent("bench")
    return DictationStream("bench", consent, "2026-03-09", store=store, options=StreamOptions(model=model),
                           paced_by_audio=paced_by_audio)


def _feed_real_time(stream, samples) -> None:
    chunk = int(CHUNK_S * 16000)
    t0 = time.monotonic()
    for i in range(0, len(samples), chunk):
        delay = t0 + i / 16000 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        stream.feed(samples[i:i + chunk])
    delay = t0 + len(samples) / 16000 - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def _lag_by_minute(lag: list[tuple[float, float]]) -> list[dict]:
    out = {}
    for t, late in lag:
        out.setdefault(int(t // 60), []).append(late)
    return [{"minute": m + 1, "median_s": round(statistics.median(v), 2), "max_s": round(max(v), 2)}
            for m, v in sorted(out.items())]


def latency(args) -> None:
    from assistant.audio import load_audio
    from benchmarks.dictation_audio import long_dictation

    rows = []
    for seconds in [float(x) for x in args.lengths.split(",")]:
        samples = load_audio(long_dictation(seconds)[0])
        for _ in range(args.runs):
            stream = _stream(samples, args.model, paced_by_audio=False)   # a new consent and recording each
            _feed_real_time(stream, samples)
            result = stream.stop()
            rows.append({"audio_s": round(len(samples) / 16000, 1), "model": args.model,
                         "stop_to_review_s": result.timing["stop_to_review_s"],
                         "lag_by_minute": _lag_by_minute(stream.stats.lag),
                         "max_buffer_s": max(b for _, b in stream.stats.buffer),
                         "decodes": stream.stats.decodes, "load_avg": round(os.getloadavg()[0], 1)})
            print(json.dumps(rows[-1]), flush=True)
    stops = sorted(r["stop_to_review_s"] for r in rows)
    p95 = stops[min(len(stops) - 1, int(np.ceil(0.95 * len(stops))) - 1)]
    print(f"Stop -> review-ready over {len(stops)} dictations: median {statistics.median(stops):.2f} s, "
          f"p95 {p95:.2f} s ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")


def _librispeech(limit: int):
    from eval.asr import read_manifest

    refs = SHARED / "data" / "real_speech" / "refs.tsv"
    if not refs.is_file():
        print(f"skipping LibriSpeech: {refs} is absent")
        return []
    return [(u.id, u.audio, u.reference) for u in read_manifest(refs, subset="librispeech_test-other", limit=limit)]


def _dictations(n: int):
    from benchmarks.dictation_audio import gold_texts
    from eval.synth import cached_synthesis

    return [(f"d{i:02d}", str(cached_synthesis(t, "piper", ROOT / ".cache" / "test-speech")), t)
            for i, t in enumerate(gold_texts()[:n])]


def _wer_of(items, model: str) -> dict:
    from assistant.audio import load_audio
    from assistant.transcribe import TranscribeOptions, transcribe
    from eval.wer import score_corpus

    refs, batch, streamed = [], [], []
    for _, audio, ref in items:
        samples = load_audio(audio)
        refs.append(ref)
        batch.append(transcribe(samples, TranscribeOptions(model=model, vocabulary=())).text)
        stream = _stream(samples, model, paced_by_audio=True)
        stream.feed(samples)
        streamed.append(stream.finish_transcript()[0].text)
        stream.discard()
    b, s = score_corpus(refs, batch)[0], score_corpus(refs, streamed)[0]
    return {"utterances": len(items), "words": b.words, "batch_wer": round(100 * b.wer, 2),
            "streaming_wer": round(100 * s.wer, 2), "difference_points": round(100 * (s.wer - b.wer), 2)}


def wer(args) -> None:
    sets = {"librispeech test-other": _librispeech(args.limit), "dictations (piper)": _dictations(args.dictations)}
    for model in args.model.split(","):
        for name, items in sets.items():
            if items:
                print(json.dumps({"set": name, "model": model, **_wer_of(items, model)}), flush=True)


def keepup(args) -> None:
    """Decode cost per second of audio when the buffer is re-decoded every second (paced by audio)."""
    from assistant.audio import load_audio
    from benchmarks.dictation_audio import long_dictation

    samples = load_audio(long_dictation(args.seconds)[0])
    for model in args.model.split(","):
        stream = _stream(samples, model, paced_by_audio=True)
        t0 = time.perf_counter()
        stream.feed(samples)
        wall = time.perf_counter() - t0
        stream.finish_transcript()
        stream.discard()
        audio_s = len(samples) / 16000
        print(json.dumps({"model": model, "audio_s": round(audio_s, 1), "decodes": stream.stats.decodes,
                          "decode_rtf": round(stream.stats.decode_s / audio_s, 3), "wall_rtf": round(wall / audio_s, 3),
                          "mean_decode_s": round(stream.stats.decode_s / max(1, stream.stats.decodes), 3),
                          "load_avg": round(os.getloadavg()[0], 1)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    la = sub.add_parser("latency")
    la.add_argument("--lengths", default="60,300,900")
    la.add_argument("--runs", type=int, default=1)
    la.add_argument("--model", default="tiny.en")
    wa = sub.add_parser("wer")
    wa.add_argument("--model", default="tiny.en")
    wa.add_argument("--limit", type=int, default=100)
    wa.add_argument("--dictations", type=int, default=8)
    ka = sub.add_parser("keepup")
    ka.add_argument("--model", default="tiny.en,base")
    ka.add_argument("--seconds", type=float, default=120)
    args = ap.parse_args()
    {"latency": latency, "wer": wer, "keepup": keepup}[args.what](args)


if __name__ == "__main__":
    main()
