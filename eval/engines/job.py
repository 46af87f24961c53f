"""One transcription job and THE per-utterance function every engine calls.

The local loop (a fresh subprocess, or in-process for gold dictations) and the Ray actors all go
through ``transcribe_item``, so what is measured cannot differ between engines: same model, same
decoding options, same hotwords (resolved once, on the driver) and the same CTranslate2 thread
count (pinned, because a different thread count may pick different kernels).
"""
from __future__ import annotations

import os
import resource
from dataclasses import asdict, dataclass

__all__ = ["TranscriptionJob", "default_cpu_threads", "thread_environment", "load_job_model", "transcribe_item",
           "run_items", "peak_rss_mb"]


def default_cpu_threads() -> int:
    """The thread count a plain local run uses: every core of this machine."""
    return os.cpu_count() or 1


def thread_environment(cpu_threads: int) -> dict[str, str]:
    """Environment a worker process must start with to decode like every other engine.

    Measured (30 LibriSpeech utterances, tiny.en): a process with OMP_NUM_THREADS=1, which Ray sets
    in every one-CPU actor, gave 4 different hypotheses from one where it is unset (OpenMP's
    default, one thread per core). So it is pinned, with CTranslate2's own thread count, in the
    local subprocess and in the Ray actors alike.
    """
    return {"CASENOTE_CPU_THREADS": str(cpu_threads), "OMP_NUM_THREADS": str(cpu_threads)}


@dataclass(frozen=True)
class TranscriptionJob:
    model: str
    beam: int
    hotwords: tuple[str, ...] = ()      # resolved terms, never "whatever this node has configured"
    cpu_threads: int | None = None      # None: the process default (every core)
    keep_transcript: bool = False       # also return the full Transcript (gold dictations need words)

    def options(self):
        from assistant.transcribe import TranscribeOptions

        return TranscribeOptions(model=self.model, beam_size=self.beam, vocabulary=tuple(self.hotwords))

    def to_dict(self) -> dict:
        return {**asdict(self), "hotwords": list(self.hotwords)}

    @classmethod
    def from_dict(cls, d: dict) -> "TranscriptionJob":
        return cls(**{**d, "hotwords": tuple(d.get("hotwords", ()))})


def load_job_model(job: TranscriptionJob) -> dict:
    """Pin the thread count, then load (and time) the model before the first utterance, so load
    time is not charged to it. Returns ``{"load_s", "model", "cpu_threads"}``."""
    from assistant.transcribe import cpu_threads, load_model

    if job.cpu_threads:
        os.environ["CASENOTE_CPU_THREADS"] = str(job.cpu_threads)
    _, info, load_s = load_model(job.model)
    return {"load_s": round(load_s, 3), "model": info.name, "cpu_threads": cpu_threads()}


def transcribe_item(item: dict, job: TranscriptionJob) -> dict:
    """Transcribe ``item`` (``{"id", "audio": path}``) with ``job``; never raises for a bad file.

    Returns ``{"id", "hypothesis", "duration_s", "transcribe_s", "vocabulary"[, "transcript"]}``,
    or ``{"id", "error"}`` so that one unreadable recording does not lose the run.
    """
    from assistant.transcribe import transcribe

    rec = {"id": item["id"]}
    try:
        t = transcribe(item["audio"], job.options())
        rec.update(hypothesis=t.text, duration_s=t.duration_s, transcribe_s=t.timing.transcribe_s,
                   vocabulary=t.options.get("vocabulary", []))
        if job.keep_transcript:
            rec["transcript"] = t.to_dict()
    except Exception as e:  # reported as failed, the run goes on
        rec["error"] = f"{type(e).__name__}: {e}"
    return rec


def run_items(job: TranscriptionJob, items: list[dict]):
    """The local loop: load once, then yield ``("loaded", info)`` and one ``("utterance", rec)``
    per item, in order."""
    yield "loaded", load_job_model(job)
    for item in items:
        yield "utterance", transcribe_item(item, job)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (``ru_maxrss``, kilobytes on Linux) in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
