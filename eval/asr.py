"""Transcription accuracy and speed on a manifest of recordings, per model / beam / vocabulary.

A manifest is a TSV with columns ``id``, ``file`` (relative to the manifest) and
``reference_text``, read with quoting off (the format of ``../shared/data/real_speech/refs.tsv``,
whose texts hold bare quote marks).

Each configuration runs on an engine (``eval.engines``): by default a fresh Python subprocess, so
that its peak memory (``ru_maxrss``: the model, the decoder and Python itself) is measured on its
own; or Ray actors, one model each. Either way the per-utterance results stream back to this
process, which drives the progress bar and does all the scoring (``eval.wer``).
"""
from __future__ import annotations

import csv
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from eval.wer import score_corpus

__all__ = ["ManifestError", "Utterance", "Configuration", "read_manifest", "run_configuration",
           "evaluate", "summary_of", "combine_results"]

_REQUIRED_COLUMNS = ("id", "file", "reference_text")


class ManifestError(ValueError):
    """The manifest cannot be used as given; the message says what to fix (CLI exit 2)."""


@dataclass(frozen=True)
class Utterance:
    id: str
    audio: str          # absolute path
    reference: str


@dataclass(frozen=True)
class Configuration:
    model: str
    beam: int
    vocabulary: bool = False   # False: no domain hotwords (right for public benchmarks)

    @property
    def label(self) -> str:
        return f"{self.model} beam={self.beam}" + (" +vocab" if self.vocabulary else "")


def _read_tsv(path: Path) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (UnicodeDecodeError, csv.Error) as e:
        raise ManifestError(f"{path} is not a UTF-8 tab-separated text file ({type(e).__name__}); "
                            "a manifest has the columns id, file, reference_text.") from None


def read_manifest(path: str | Path, subset: str | None = None, limit: int | None = None) -> list[Utterance]:
    """Read and check a manifest; ``subset`` keeps rows whose ``subset`` column (in the manifest or
    in a ``meta.tsv`` beside it, joined on ``id``) equals it; ``limit`` keeps the first N."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"Manifest {path} not found (or is a folder). Give a TSV with columns "
                            f"{', '.join(_REQUIRED_COLUMNS)}.")
    rows = _read_tsv(path)
    missing = [c for c in _REQUIRED_COLUMNS if not rows or c not in rows[0]]
    if not rows:
        raise ManifestError(f"Manifest {path} has no rows. It needs a header line "
                            f"({chr(9).join(_REQUIRED_COLUMNS)}) and one line per recording.")
    if missing:
        raise ManifestError(f"Manifest {path} lacks the column(s) {', '.join(missing)}; its header is "
                            f"{', '.join(k for k in rows[0] if k)}. Columns must be tab-separated.")
    if subset:
        groups = {r["id"]: r.get("subset") for r in rows} if "subset" in rows[0] else None
        meta = path.parent / "meta.tsv"
        if groups is None and meta.is_file():
            groups = {r["id"]: r.get("subset") for r in _read_tsv(meta)}
        if groups is None:
            raise ManifestError(f"--subset needs a 'subset' column in {path} or a meta.tsv beside it.")
        known = sorted({g for g in groups.values() if g})
        rows = [r for r in rows if groups.get(r["id"]) == subset]
        if not rows:
            raise ManifestError(f"No rows of subset '{subset}'. Subsets: {', '.join(known)}.")
    if limit is not None:
        rows = rows[:limit]
    out, seen, absent = [], set(), []
    for n, r in enumerate(rows, start=2):
        uid, file, ref = (r.get(c) or "" for c in _REQUIRED_COLUMNS)
        if not uid or not file:
            raise ManifestError(f"{path} line {n}: empty id or file.")
        if uid in seen:
            raise ManifestError(f"{path} line {n}: id '{uid}' appears twice; ids must be unique.")
        seen.add(uid)
        audio = (path.parent / file).resolve()
        if not audio.is_file():
            absent.append(file)
        out.append(Utterance(uid, str(audio), ref.strip()))
    if absent:
        raise ManifestError(f"{len(absent)} audio file(s) named in {path} do not exist (relative to "
                            f"{path.parent}), e.g. {', '.join(absent[:3])}.")
    return out


def _job_of(config: Configuration, cpu_threads: int | None) -> "TranscriptionJob":
    from assistant.vocabulary import DEFAULT_TERMS
    from eval.engines import TranscriptionJob

    return TranscriptionJob(config.model, config.beam, tuple(DEFAULT_TERMS) if config.vocabulary else (), cpu_threads)


def run_configuration(utterances: list[Utterance], config: Configuration, progress=None, engine=None) -> dict:
    """Transcribe every utterance with ``config`` on ``engine`` (default: a fresh local subprocess);
    raw results, not scored."""
    from eval.engines import LocalEngine

    engine = engine or LocalEngine()
    items = [{"id": u.id, "audio": u.audio} for u in utterances]
    try:
        return engine.run(_job_of(config, engine.cpu_threads), items, progress)
    except RuntimeError as e:
        raise RuntimeError(f"Transcription with {config.label} failed: {e}") from None


def _score_configuration(utterances: list[Utterance], config: Configuration, raw: dict) -> dict:
    done = [u for u in utterances if "hypothesis" in raw["utterances"].get(u.id, {})]
    failed = [{"id": u.id, "reference": u.reference, "error": raw["utterances"].get(u.id, {}).get("error", "no result")}
              for u in utterances if u not in done]
    hyps = [raw["utterances"][u.id]["hypothesis"] for u in done]
    score, per_utt = score_corpus([u.reference for u in done], hyps, [u.id for u in done])
    audio_s = sum(raw["utterances"][u.id]["duration_s"] for u in done)
    transcribe_s = sum(raw["utterances"][u.id]["transcribe_s"] for u in done)
    vocab = raw["utterances"][done[0].id]["vocabulary"] if done else []
    per = []
    for u, s, h in zip(done, per_utt, hyps):
        r = raw["utterances"][u.id]
        per.append({**s.to_dict(), "raw_reference": u.reference, "raw_hypothesis": h,
                    "duration_s": r["duration_s"], "transcribe_s": r["transcribe_s"]})
    summary = {
        "label": config.label, "model": config.model, "beam": config.beam, "vocabulary": config.vocabulary,
        "wer": round(score.wer, 6), "cer": round(score.cer, 6), "ci95": [round(x, 6) for x in score.ci95],
        "utterances": score.utterances, "failed": len(failed), "words": score.words,
        "audio_s": round(audio_s, 3), "transcribe_s": round(transcribe_s, 3),
        "rtf": round(transcribe_s / audio_s, 4) if audio_s else None,
        "load_s": raw["load_s"], "peak_rss_mb": raw["peak_rss_mb"], "wall_s": raw["wall_s"],
    }
    return {**summary, "hotwords": vocab,
            "counts": {k: getattr(score, k) for k in ("hits", "substitutions", "deletions", "insertions")},
            "top_substitutions": [list(t) for t in score.top_substitutions],
            "failed_utterances": failed, "per_utterance": per,
            **({"actors": raw["actors"]} if "actors" in raw else {})}


_SUMMARY_KEYS = ("label", "model", "beam", "vocabulary", "wer", "cer", "ci95", "utterances", "failed", "words",
                 "audio_s", "transcribe_s", "rtf", "load_s", "peak_rss_mb", "wall_s")


def summary_of(results: dict) -> dict:
    """The object ``casenote eval asr --json`` prints: one summary row per configuration."""
    return {"manifest": results["manifest"], "subset": results["subset"],
            "configurations": [{k: c[k] for k in _SUMMARY_KEYS} for c in results["configurations"]]}


def evaluate(utterances: list[Utterance], configs: list[Configuration], manifest: str = "",
             subset: str | None = None, progress_factory=None, engine=None) -> dict:
    """Run and score every configuration; returns the full results (what results.json holds).

    ``progress_factory(total, description)`` returns a context manager with ``update(n)``
    (a tqdm bar in the CLI); None runs quietly. ``engine``: an open engine from
    ``eval.engines.open_engine`` (default: local subprocesses).
    """
    import assistant
    from eval.engines import LocalEngine

    engine = engine or LocalEngine()
    load_before = os.getloadavg()
    configurations = []
    for config in configs:
        if progress_factory:
            with progress_factory(len(utterances), config.label) as bar:
                raw = run_configuration(utterances, config, bar.update, engine)
        else:
            raw = run_configuration(utterances, config, engine=engine)
        if not any("hypothesis" in r for r in raw["utterances"].values()):
            first = next(iter(raw["utterances"].values()), {}).get("error", "no result")
            raise ManifestError(f"None of the {len(utterances)} recordings could be transcribed with "
                                f"{config.label}; the first error: {first}")
        configurations.append(_score_configuration(utterances, config, raw))
    return {
        "engine": engine.describe(),
        "casenote_version": assistant.__version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "manifest": manifest, "subset": subset,
        "normaliser": "whisper_normalizer EnglishTextNormalizer on reference and hypothesis alike "
                      "(lower case, no punctuation, numbers and British/American spellings unified)",
        "ci_method": "bootstrap over utterances, 2000 resamples, seed 0, 95% percentile interval",
        "cer_method": "character edit distance on the normalised text, spaces included",
        "rtf_method": "decoding time (audio already read) / audio duration, model load excluded",
        "memory_method": "peak RSS (ru_maxrss) of a fresh subprocess per configuration: "
                         "Python + model + decoding (on Ray: the largest of any one actor process)",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "configurations": configurations,
    }


def combine_results(paths: list[str | Path]) -> dict:
    """Join results.json files of separate runs (e.g. one per model, run side by side) into one.

    They must be on the same manifest and subset; each configuration keeps its own timings, and
    ``combined_from`` records when and under what machine load each run was made.
    """
    runs = []
    for p in paths:
        try:
            runs.append((str(p), json.loads(Path(p).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as e:
            raise ManifestError(f"Cannot read results file {p}: {e}") from None
    for p, r in runs:
        if not isinstance(r, dict) or "configurations" not in r:
            raise ManifestError(f"{p} is not a results.json written by casenote eval asr.")
    first = runs[0][1]
    for p, r in runs[1:]:
        if (r.get("manifest"), r.get("subset")) != (first.get("manifest"), first.get("subset")):
            raise ManifestError(f"{p} is from {r.get('manifest')} (subset {r.get('subset')}), not "
                                f"{first.get('manifest')} (subset {first.get('subset')}); only runs on the "
                                "same recordings can be compared in one report.")
    labels = [c["label"] for _, r in runs for c in r["configurations"]]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise ManifestError(f"Configuration {dup[0]} appears in more than one results file.")
    return {**first, "configurations": [c for _, r in runs for c in r["configurations"]],
            "combined_from": [{"path": p, "created_at": r["created_at"], "machine": r["machine"],
                               "configurations": [c["label"] for c in r["configurations"]]} for p, r in runs]}


