"""The local engine: one fresh Python subprocess per job on this machine.

A fresh process per configuration means its peak memory (``ru_maxrss``: the model, the decoder
and Python itself) is its own and not inflated by a model loaded earlier. The subprocess runs the
shared loop (``eval.engines.job.run_items``) and streams one JSON line per utterance back, which
drives the progress bar.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.engines.job import TranscriptionJob, default_cpu_threads, peak_rss_mb, run_items, thread_environment

__all__ = ["LocalEngine"]

_ROOT = Path(__file__).resolve().parents[2]


class LocalEngine:
    """Runs a job in a subprocess of this process; ``describe()`` goes into results.json."""

    name = "local"

    def __init__(self, cpu_threads: int | None = None):
        self.cpu_threads = cpu_threads or default_cpu_threads()

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def describe(self) -> dict:
        return {"engine": self.name, "workers": 1, "cpu_threads": self.cpu_threads,
                "cluster_resources": {"CPU": float(os.cpu_count() or 1)}}

    def run(self, job: TranscriptionJob, items: list[dict], progress=None) -> dict:
        """``{"load_s", "peak_rss_mb", "wall_s", "utterances": {id: record}}``; raises RuntimeError
        if the subprocess itself fails (a bad file is a failed record, not a failure)."""
        env = {**os.environ, **thread_environment(self.cpu_threads),
               "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")])}
        t0 = time.perf_counter()
        # stderr goes to a file: a chatty library filling an unread pipe would otherwise block the child.
        with tempfile.TemporaryFile(mode="w+") as errfile:
            proc = subprocess.Popen([sys.executable, "-m", "eval.engines.local", "--worker"], cwd=_ROOT, env=env,
                                    text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errfile)
            proc.stdin.write(json.dumps({"job": job.to_dict(), "items": items}))
            proc.stdin.close()
            raw = {"load_s": None, "peak_rss_mb": None, "utterances": {}}
            for line in proc.stdout:
                kind, payload = json.loads(line)
                if kind == "loaded":
                    raw["load_s"] = payload["load_s"]
                elif kind == "utterance":
                    raw["utterances"][payload["id"]] = payload
                    if progress:
                        progress(1)
                elif kind == "done":
                    raw["peak_rss_mb"] = payload["peak_rss_mb"]
            proc.wait()
            errfile.seek(0)
            err = errfile.read().strip()
        if proc.returncode != 0 or raw["peak_rss_mb"] is None:
            raise RuntimeError(err.splitlines()[-1] if err else f"exit code {proc.returncode}")
        raw["wall_s"] = round(time.perf_counter() - t0, 3)
        return raw


def _worker() -> None:
    """Child process: read ``{"job", "items"}`` on stdin, print one JSON ``[kind, payload]`` a line."""
    spec = json.loads(sys.stdin.read())
    for kind, payload in run_items(TranscriptionJob.from_dict(spec["job"]), spec["items"]):
        print(json.dumps([kind, payload]), flush=True)
    print(json.dumps(["done", {"peak_rss_mb": peak_rss_mb()}]), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    _worker()
