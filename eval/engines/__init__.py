"""Where evaluation jobs run: ``local`` (a subprocess on this machine, the default) or ``ray``
(actors on a Ray cluster, each holding one loaded model). Both call the same per-utterance
function, ``eval.engines.job.transcribe_item``, so the engine changes the speed, not the figures."""
from __future__ import annotations

from eval.engines.job import TranscriptionJob, default_cpu_threads, transcribe_item
from eval.engines.local import LocalEngine

__all__ = ["ENGINES", "TranscriptionJob", "transcribe_item", "default_cpu_threads", "LocalEngine", "open_engine"]

ENGINES = ("local", "ray")


def open_engine(name: str = "local", address: str | None = None, workers: int | None = None,
                cpu_threads: int | None = None):
    """An engine to use as a context manager. ``ray`` raises ``RayUnavailable`` when Ray is not
    installed and ``RayRefused`` for a request that cannot run (both: CLI exit 2)."""
    if name == "local":
        return LocalEngine(cpu_threads)
    if name == "ray":
        from eval.engines.ray_cluster import RayEngine

        return RayEngine(address=address, workers=workers, cpu_threads=cpu_threads)
    raise ValueError(f"Unknown engine '{name}'; use {', '.join(ENGINES)}.")
