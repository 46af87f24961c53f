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
  each fed as a stream in 100 ms chunks (decoded every 1 s of audio and when a pause begins, paced by the audio so the result does not depend
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


_OPTIONS: dict = {}     # --options: StreamOptions fields to try (trim_s=12,fit_encoder=0)


def _parse_options(text: str) -> dict:
    from dataclasses import fields

    from assistant.streaming import StreamOptions

    types = {f.name: f.type for f in fields(StreamOptions)}
    out = {}
    for item in filter(None, (text or "").split(",")):
        name, value = item.split("=", 1)
        kind = types[name]
        out[name] = (value not in ("0", "false", "no")) if kind in (bool, "bool") else float(value) \
            if kind in (float, "float") else int(value) if kind in (int, "int") else value
    return out


def _stream(samples, model, paced_by_audio, store=None, consent=None):
    from assistant.store import Store
    from assistant.streaming import DictationStream, StreamOptions

    store = store or Store()
    consent = consent or store.grant_consent("bench")
    return DictationStream("bench", consent, "2026-03-09", store=store,
                           options=StreamOptions(model=model, **_OPTIONS), paced_by_audio=paced_by_audio)


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


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(np.ceil(0.95 * len(values))) - 1)]


def _summary(label: str, stops: list[float]) -> str:
    return (f"Stop -> review-ready, {label}, {len(stops)} dictations: median {statistics.median(stops):.2f} s, "
            f"p95 {_p95(stops):.2f} s ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")


def latency(args) -> None:
    from assistant.audio import load_audio
    from benchmarks.dictation_audio import long_dictation

    rows = []
    for seconds in [float(x) for x in args.lengths.split(",")]:
        samples = load_audio(long_dictation(seconds)[0])
        for _ in range(args.runs):
            stream = _stream(samples, args.model, paced_by_audio=False)   # a new consent and recording each
            _feed_real_time(stream, samples)
            load = round(os.getloadavg()[0], 1)
            result = stream.stop()
            t = result.timing
            rows.append({"audio_s": round(len(samples) / 16000, 1), "model": args.model,
                         "stop_to_review_s": t["stop_to_review_s"], "final": t.get("stop_final"),
                         "stop_parts_s": {k: t.get(k) for k in ("stop_tail_s", "stop_close_recording_s", "redact_s",
                                                                "extract_s", "store_s")},
                         "stop_detail": stream.stats.stop,
                         "lag_by_minute": _lag_by_minute(stream.stats.lag),
                         "max_buffer_s": max(b for _, b in stream.stats.buffer),
                         "decodes": stream.stats.decodes,
                         "mean_decode_s": round(stream.stats.decode_s / max(1, stream.stats.decodes), 2),
                         "load_avg_at_stop": load})
            print(json.dumps(rows[-1]), flush=True)
        print(_summary(f"{seconds:.0f} s", [r["stop_to_review_s"] for r in rows if r["audio_s"] <= seconds]
                       [-args.runs:]), flush=True)
    print(_summary("all lengths", [r["stop_to_review_s"] for r in rows]))


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


def _wer_of(items, model: str, diffs=None) -> dict:
    from assistant.audio import load_audio
    from assistant.transcribe import TranscribeOptions, transcribe
    from eval.wer import score_corpus

    refs, batch, streamed = [], [], []
    for _, audio, ref in items:
        samples = load_audio(audio)
        refs.append(ref)
        batch.append(transcribe(samples, TranscribeOptions(model=model, vocabulary=())).text)
        stream = _stream(samples, model, paced_by_audio=True)
        chunk = int(CHUNK_S * 16000)     # as a microphone delivers it, so pauses are seen as they begin
        for i in range(0, len(samples), chunk):
            stream.feed(samples[i:i + chunk])
        streamed.append(stream.finish_transcript()[0].text)
        stream.discard()
        if diffs is not None and batch[-1] != streamed[-1]:
            diffs.write(json.dumps({"ref": ref, "batch": batch[-1], "stream": streamed[-1]}) + "\n")
            diffs.flush()
    b, s = score_corpus(refs, batch)[0], score_corpus(refs, streamed)[0]
    return {"utterances": len(items), "words": b.words, "batch_wer": round(100 * b.wer, 2),
            "streaming_wer": round(100 * s.wer, 2), "difference_points": round(100 * (s.wer - b.wer), 2)}


def wer(args) -> None:
    sets = {"librispeech test-other": _librispeech(args.limit), "dictations (piper)": _dictations(args.dictations)}
    diffs = open(args.diffs, "w") if args.diffs else None      # utterances where the two differ
    for model in args.model.split(","):
        for name, items in sets.items():
            if items:
                print(json.dumps({"set": name, "model": model, **_wer_of(items, model, diffs)}), flush=True)


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
    wa.add_argument("--diffs", help="write the utterances whose streamed and batch text differ here (JSON lines)")
    ka = sub.add_parser("keepup")
    ka.add_argument("--model", default="tiny.en,base")
    ka.add_argument("--seconds", type=float, default=120)
    for p in (la, wa, ka):
        p.add_argument("--options", default="", help="StreamOptions fields to try, e.g. trim_s=12,fit_encoder=0")
    args = ap.parse_args()
    _OPTIONS.update(_parse_options(args.options))
    print(json.dumps({"stream_options": _OPTIONS}), flush=True)
    {"latency": latency, "wer": wer, "keepup": keepup}[args.what](args)


if __name__ == "__main__":
    main()
