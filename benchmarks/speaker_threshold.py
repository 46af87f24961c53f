"""Measure the speaker check on real speech and choose its threshold.

For every speaker in ../shared/data/real_speech with enough audio, enrol on the first utterances
(about ``--enrol-s`` seconds, as an officer reading the enrolment passage would), then score the
windows ``check_speaker`` would judge: the speaker's own held-out utterances (target trials) and every
other speaker's utterances (impostor trials). Prints the equal error rate, the false-accept and
false-reject rates at the module's THRESHOLD, a threshold sweep, a spliced-dictation test (officer /
other speaker / officer) scored frame by frame, the same on the project's own synthetic voices
(espeak vs piper), and the cost of checking a 60 s dictation. Writes everything to a JSON file.

\b
Usage:
  .venv/bin/python benchmarks/speaker_threshold.py
  .venv/bin/python benchmarks/speaker_threshold.py --window-s 1.0 --out reports/speaker_1s.json
  .venv/bin/python benchmarks/speaker_threshold.py --threshold 0.7 --skip-synthetic
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import hashlib
import inspect
import pickle
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import roc_curve  # noqa: E402

from assistant import speaker  # noqa: E402
from assistant.audio import SAMPLE_RATE, load_audio  # noqa: E402

CACHE = ROOT / ".cache" / "speaker-bench"
SHARED = Path(os.environ.get("CASENOTE_SHARED", ROOT.parent / "shared"))
# Speakers with at least this much audio are enrolled; the rest serve only as impostors.
MIN_ENROLLED_TOTAL_S = 40.0

# The passage the synthetic "officer" reads to enrol, and what each synthetic voice says in a dictation.
SYNTH_ENROL = ("I am enrolling my voice for case notes. I will dictate my summaries after each supervision "
               "session, once the person on probation has left the room. The quick brown fox jumps over "
               "the lazy dog, and a careful officer writes a clear and accurate record of every contact.")
SYNTH_OFFICER = ("Session with the person on probation today. He attended on time and we reviewed his "
                 "employment and accommodation. He has been referred to the housing team.")
SYNTH_OTHER = ("I do not agree with any of that and I want to speak to your manager about my licence "
               "conditions right now.")


def eer(target: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """Equal error rate and the threshold where false accepts equal false rejects."""
    y = np.r_[np.ones(len(target)), np.zeros(len(impostor))]
    fpr, tpr, thr = roc_curve(y, np.r_[target, impostor])
    fnr = 1 - tpr
    i = int(np.nanargmin(np.abs(fnr - fpr)))
    return float((fpr[i] + fnr[i]) / 2), float(thr[i])


def rates(target: np.ndarray, impostor: np.ndarray, t: float) -> dict:
    return {"threshold": round(t, 3), "false_accept": round(float(np.mean(impostor >= t)), 4),
            "false_reject": round(float(np.mean(target < t)), 4)}


def load_real_speech(window_s: float):
    """Every utterance with its judged windows and their embeddings, grouped by speaker.

    Embeddings are cached under .cache/speaker-bench, keyed by the speaker module's source and the
    window length, so a rerun after changing only the threshold costs seconds, not minutes.
    """
    rows = list(csv.DictReader(open(SHARED / "data/real_speech/meta.tsv", newline=""), delimiter="\t",
                               quoting=csv.QUOTE_NONE))
    # Only what shapes the embeddings goes into the key: changing THRESHOLD must not re-embed.
    shaping = [inspect.getsource(f) for f in (speaker.voiced_frames, speaker._windows, speaker._embed_mels,
                                              speaker.score_windows)]
    shaping += [repr((window_s, speaker.HOP_S, speaker.MIN_WINDOW_SPEECH_S, speaker.VAD_FRAME_S,
                      speaker._VAD_SMOOTH_FRAMES, speaker._TARGET_DBFS))]
    key = hashlib.sha256("\n".join(shaping).encode()).hexdigest()[:16]
    cache = CACHE / f"real-{key}.pkl"
    if cache.exists():
        embedded = pickle.loads(cache.read_bytes())
    else:
        embedded = {}
        for r in rows:
            windows, emb, _ = speaker.score_windows(load_audio(SHARED / "data/real_speech" / r["file"]),
                                                    window_s=window_s)
            embedded[r["id"]] = (windows, emb)
        CACHE.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(embedded))
    by_speaker = defaultdict(list)
    for r in rows:
        windows, emb = embedded[r["id"]]
        by_speaker[r["speaker"]].append({"id": r["id"], "path": SHARED / "data/real_speech" / r["file"],
                                         "duration_s": float(r["duration_s"]), "windows": windows, "emb": emb})
    return by_speaker


def samples_of(utt: dict) -> np.ndarray:
    return load_audio(utt["path"])


def window_trials(by_speaker, enrol_s: float):
    target, impostor, per_speaker, voiceprints = [], [], {}, {}
    enrolled = [s for s, u in by_speaker.items() if sum(x["duration_s"] for x in u) >= MIN_ENROLLED_TOTAL_S]
    for spk in enrolled:
        utts, enrol, t = by_speaker[spk], [], 0.0
        while t < enrol_s and len(enrol) < len(utts) - 2:
            enrol.append(utts[len(enrol)])
            t += enrol[-1]["duration_s"]
        vp = speaker.embed_voice(np.concatenate([samples_of(u) for u in enrol]))
        voiceprints[spk] = (vp, enrol)
        held_out = utts[len(enrol):]
        tg = np.concatenate([u["emb"] @ vp for u in held_out if len(u["emb"])])
        im = np.concatenate([u["emb"] @ vp for s, us in by_speaker.items() if s != spk for u in us if len(u["emb"])])
        target.append(tg)
        impostor.append(im)
        per_speaker[spk] = {"enrol_s": round(t, 1), "target_windows": len(tg), "impostor_windows": len(im),
                            "target_mean": round(float(tg.mean()), 3), "impostor_mean": round(float(im.mean()), 3),
                            "impostor_max": round(float(im.max()), 3)}
    return np.concatenate(target), np.concatenate(impostor), per_speaker, voiceprints


SPLICE_THRESHOLDS = (0.65, 0.70, 0.75, 0.80)


def splice_score(officer: list[np.ndarray], other: np.ndarray, voiceprint: np.ndarray,
                 thresholds=SPLICE_THRESHOLDS) -> dict:
    """officer[0] + other + officer[1], judged as check_speaker judges it, at each threshold.

    Scored frame by frame over the speech frames: the share of the other voice that was removed,
    and the share of the officer's speech that was removed with it.
    """
    gap = np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)
    audio = np.concatenate([officer[0], gap, other, gap, officer[1]])
    b0 = (len(officer[0]) + len(gap)) / SAMPLE_RATE
    b1 = b0 + len(other) / SAMPLE_RATE
    voiced = speaker.voiced_frames(audio)
    _, emb, cover = speaker._windows(audio, voiced, speaker.WINDOW_S, speaker.HOP_S)
    sims = emb @ voiceprint
    t = (np.arange(len(voiced)) + 0.5) * speaker.VAD_FRAME_S
    in_other = (t >= b0) & (t < b1)
    out = {"other_span": (round(b0, 2), round(b1, 2))}
    for thr in thresholds:
        spans = speaker._removed_spans(voiced, cover, sims, thr, len(audio) / SAMPLE_RATE)
        removed = np.zeros(len(voiced), dtype=bool)
        for a, b in spans:
            removed |= (t >= a) & (t < b)
        out[f"{thr:.2f}"] = {
            "other_speech_removed": round(float(np.mean(removed[voiced & in_other])), 4),
            "officer_speech_removed": round(float(np.mean(removed[voiced & ~in_other])), 4),
            "officer_speech_removed_s": round(float(np.sum(removed & voiced & ~in_other)) * speaker.VAD_FRAME_S, 2),
            "removed": spans}
    return out


def splice_trials(by_speaker, voiceprints) -> dict:
    """Each enrolled speaker dictates around an utterance of two different other speakers."""
    speakers = sorted(voiceprints)
    cases = []
    for i, spk in enumerate(speakers):
        vp, enrol = voiceprints[spk]
        held = [samples_of(u) for u in by_speaker[spk][len(enrol):len(enrol) + 2]]
        for step in (1, 5):
            other_spk = speakers[(i + step) % len(speakers)]
            cases.append({"officer": spk, "other": other_spk,
                          **splice_score(held, samples_of(by_speaker[other_spk][-1]), vp)})
    summary = {}
    for thr in SPLICE_THRESHOLDS:
        k = f"{thr:.2f}"
        other_rm = [c[k]["other_speech_removed"] for c in cases]
        officer_rm = [c[k]["officer_speech_removed"] for c in cases]
        summary[k] = {"mean_other_speech_removed": round(float(np.mean(other_rm)), 4),
                      "min_other_speech_removed": round(float(np.min(other_rm)), 4),
                      "mean_officer_speech_removed": round(float(np.mean(officer_rm)), 4),
                      "max_officer_speech_removed": round(float(np.max(officer_rm)), 4),
                      "mean_officer_speech_removed_s": round(float(np.mean([c[k]["officer_speech_removed_s"] for c in cases])), 2)}
    return {"cases": cases, "summary": summary}


def synthetic_trials(threshold: float, window_s: float) -> dict:
    from eval.synth import cached_synthesis

    cache = CACHE
    out = {}
    for officer, other in (("piper", "espeak"), ("espeak", "piper")):
        vp = speaker.embed_voice(load_audio(cached_synthesis(SYNTH_ENROL, officer, cache)))
        own = load_audio(cached_synthesis(SYNTH_OFFICER, officer, cache))
        alien = load_audio(cached_synthesis(SYNTH_OTHER, other, cache))
        _, _, s_own = speaker.score_windows(own, vp, window_s=window_s)
        _, _, s_alien = speaker.score_windows(alien, vp, window_s=window_s)
        half = len(own) // 2
        splice = splice_score([own[:half], own[half:]], alien, vp, (threshold,))[f"{threshold:.2f}"]
        out[f"{officer}_enrolled"] = {
            "own_windows": rates(s_own, s_alien, threshold) | {"own_min": round(float(s_own.min()), 3),
                                                               "other_max": round(float(s_alien.max()), 3)},
            "splice": splice}
    return out


def cost_of_60s(by_speaker, voiceprints) -> dict:
    spk = sorted(voiceprints)[0]
    vp = voiceprints[spk][0]
    audio = np.concatenate([samples_of(u) for u in by_speaker[spk]])[: 60 * SAMPLE_RATE]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        speaker.check_speaker(audio, vp)
        runs.append(time.perf_counter() - t0)
    return {"audio_s": round(len(audio) / SAMPLE_RATE, 1), "check_s_runs": [round(r, 3) for r in runs],
            "check_s_median": round(float(np.median(runs)), 3),
            "real_time_factor": round(float(np.median(runs)) / (len(audio) / SAMPLE_RATE), 4),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_growth_during_check_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--window-s", type=float, default=speaker.WINDOW_S)
    ap.add_argument("--hop-s", type=float, default=speaker.HOP_S, help="window step (seconds of speech)")
    ap.add_argument("--enrol-s", type=float, default=20.0, help="seconds of each speaker's audio used to enrol")
    ap.add_argument("--threshold", type=float, default=speaker.THRESHOLD)
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "reports" / "speaker_threshold.json"))
    args = ap.parse_args()
    speaker.HOP_S = args.hop_s   # check_speaker reads the module's value at call time
    if not (SHARED / "data/real_speech/meta.tsv").exists():
        sys.exit(f"real speech not found under {SHARED}; set CASENOTE_SHARED to the shared folder")

    rss_before_model = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    speaker._voice_encoder()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_speaker = load_real_speech(args.window_s)
    embed_s = time.perf_counter() - t0
    target, impostor, per_speaker, voiceprints = window_trials(by_speaker, args.enrol_s)
    e, e_thr = eer(target, impostor)
    report = {
        "window_s": args.window_s, "hop_s": speaker.HOP_S, "enrol_s": args.enrol_s,
        "speakers_enrolled": len(per_speaker), "speakers_total": len(by_speaker),
        "target_trials": len(target), "impostor_trials": len(impostor),
        "eer": round(e, 4), "eer_threshold": round(e_thr, 3),
        "at_threshold": rates(target, impostor, args.threshold),
        "sweep": [rates(target, impostor, t) for t in np.arange(0.55, 0.91, 0.025)],
        "per_speaker": per_speaker,
        "splice": splice_trials(by_speaker, voiceprints),
        "model_load_s": round(load_s, 2), "embed_all_s": round(embed_s, 1),
        "rss_before_model_mb": round(rss_before_model / 1024, 1),
    }
    if not args.skip_synthetic:
        report["synthetic"] = synthetic_trials(args.threshold, args.window_s)
    report["cost_60s"] = cost_of_60s(by_speaker, voiceprints)

    print(f"speakers enrolled {report['speakers_enrolled']} of {report['speakers_total']}; "
          f"window {args.window_s} s, hop {speaker.HOP_S} s, enrolment ~{args.enrol_s:.0f} s")
    print(f"trials: {len(target)} same-speaker windows, {len(impostor)} other-speaker windows")
    print(f"EER {e:.2%} at threshold {e_thr:.3f}")
    a = report["at_threshold"]
    print(f"at THRESHOLD {args.threshold}: false accept {a['false_accept']:.2%}, false reject {a['false_reject']:.2%}")
    print("sweep: " + "  ".join(f"{r['threshold']:.2f}:FA {r['false_accept']:.1%}/FR {r['false_reject']:.1%}"
                                for r in report["sweep"]))
    print(f"splices ({len(report['splice']['cases'])} dictations: officer, another speaker, officer; frame level):")
    for k, s in report["splice"]["summary"].items():
        print(f"  threshold {k}: other voice removed mean {s['mean_other_speech_removed']:.1%} "
              f"(min {s['min_other_speech_removed']:.1%}); officer speech removed mean "
              f"{s['mean_officer_speech_removed']:.1%} = {s['mean_officer_speech_removed_s']:.2f} s "
              f"(max {s['max_officer_speech_removed']:.1%})")
    for name, r in report.get("synthetic", {}).items():
        print(f"synthetic {name}: own-voice windows FR {r['own_windows']['false_reject']:.1%} "
              f"(min score {r['own_windows']['own_min']}), other-voice FA {r['own_windows']['false_accept']:.1%} "
              f"(max score {r['own_windows']['other_max']}); splice removed other "
              f"{r['splice']['other_speech_removed']:.0%}, officer {r['splice']['officer_speech_removed']:.0%}")
    c = report["cost_60s"]
    print(f"cost: model load {load_s:.2f} s; check of a {c['audio_s']} s dictation {c['check_s_median']:.2f} s "
          f"(RTF {c['real_time_factor']:.3f}); peak RSS {c['peak_rss_mb']:.0f} MB "
          f"(before model {report['rss_before_model_mb']:.0f} MB)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2, default=float))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
