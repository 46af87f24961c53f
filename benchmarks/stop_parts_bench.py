"""What Stop does after the last decode, for long dictations, without waiting the dictation's length:
close the streamed recording (sealed appends -> one encrypted file), save the speaker check and the
transcript, then redact (with the spaCy entities redacted ahead, as the engine does while the officer
speaks), extract and store the note (``assistant.pipeline.complete_recording``).

    .venv/bin/python benchmarks/stop_parts_bench.py [--lengths 60,300,900] [--runs 3] [--profile]

The audio is the gold dictations spoken by Piper and joined (benchmarks/dictation_audio.py); its
transcript is batch tiny.en's (cached in .cache/stop-parts/), the stand-in for what the stream
committed. Appends are 0.1 s each, as the Dictate tab sends them. Wall seconds per part, median over
the runs, with the load average; nothing is asserted. The decode at Stop is measured by
streaming_bench.py latency, which feeds the audio in real time.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_HOME = tempfile.TemporaryDirectory(prefix="casenote-stop-parts-")    # a scratch store per run
os.environ["CASENOTE_HOME"] = _HOME.name
os.environ.setdefault("CASENOTE_PASSPHRASE", "benchmark passphrase (scratch store)")
_CACHE = ROOT / ".cache" / "stop-parts"


def _transcript(seconds: float):
    from assistant.audio import load_audio
    from assistant.transcribe import Transcript, transcribe
    from benchmarks.dictation_audio import long_dictation

    wav, _ = long_dictation(seconds)
    samples = load_audio(wav)
    cached = _CACHE / f"{int(seconds)}-{wav.stat().st_size}.json"
    if cached.exists():
        return samples, Transcript.from_dict(json.loads(cached.read_text()))
    transcript = transcribe(samples)
    _CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(transcript.to_dict()))
    return samples, transcript


def _stop_once(store, samples, transcript, check, profile: bool) -> dict:
    from assistant.pipeline import complete_recording
    from redaction import redact

    rec = store.start_stream_recording(store.grant_consent("jsmith"), "jsmith", "2026-03-09")
    for i in range(0, len(samples), 1600):
        store.append_stream_audio(rec["id"], samples[i:i + 1600])
    ner_cache: dict = {}
    for k in range(1500, len(transcript.text), 1500):       # redaction ahead, as while speaking
        redact(transcript.text[:k], ner_cache=ner_cache)
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    t0 = time.perf_counter()
    closed = store.finish_stream_recording(rec["id"])
    t1 = time.perf_counter()
    store.save_stage_result(rec["id"], "speaker_checked", check.to_dict())
    store.save_stage_result(rec["id"], "transcribed", transcript.to_dict())
    t2 = time.perf_counter()
    result = complete_recording(store, closed, ner_cache=ner_cache)
    t3 = time.perf_counter()
    if prof:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return {"close_s": t1 - t0, "save_stages_s": t2 - t1, "redact_s": result.timing["redact_s"],
            "extract_s": result.timing["extract_s"], "store_s": result.timing["store_s"], "total_s": t3 - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lengths", default="60,300,900", help="dictation lengths in seconds")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="print cProfile's top functions for each run")
    args = ap.parse_args()
    from assistant.pipeline import warm_text_models
    from assistant.speaker import check_speaker
    from assistant.store import Store

    store = Store()
    warm_text_models()
    print(f"load average {os.getloadavg()[0]:.2f}; runs {args.runs}; wall seconds, median (max)")
    for seconds in (float(x) for x in args.lengths.split(",")):
        samples, transcript = _transcript(seconds)
        _, check = check_speaker(samples[:16000 * 5], None)
        runs = [_stop_once(store, samples, transcript, check, args.profile) for _ in range(args.runs)]
        parts = "  ".join(f"{k} {statistics.median(r[k] for r in runs):.3f} ({max(r[k] for r in runs):.3f})"
                          for k in runs[0])
        print(f"{len(samples) / 16000:6.0f} s, {len(transcript.words)} words:  {parts}")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
