"""The Ray engine: the same per-utterance jobs on a Ray cluster, one loaded model per actor.

Each actor loads ONE Whisper model (``load_job_model``) and then transcribes utterances handed to
it by an ``ActorPool`` as it becomes free, calling the same ``transcribe_item`` as the local loop.
Audio is read by path on the worker, so every node must see the recordings at the same path.

Without ``--address`` a private single-node Ray instance starts with the command and stops with
it: ``num_cpus`` set to the worker count, no dashboard, no usage statistics, every server bound
to 127.0.0.1. With ``--address`` the driver joins an existing cluster and leaves it running.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import assistant  # noqa: F401  (the offline environment, before any model library loads)
from eval.engines.job import (TranscriptionJob, default_cpu_threads, load_job_model, peak_rss_mb, thread_environment,
                              transcribe_item)

__all__ = ["RayEngine", "RayUnavailable", "RayRefused", "INSTALL_HINT"]

_ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = 'pip install -e ".[cluster]"'
_OBJECT_STORE_BYTES = 256 * 1024 * 1024   # results are a few KB each; do not reserve 30% of RAM


class RayUnavailable(RuntimeError):
    """Ray is not installed (CLI exit 2, with how to install it)."""


class RayRefused(ValueError):
    """The request cannot run as given, e.g. more workers than CPUs (CLI exit 2)."""


class _UtteranceWorker:
    """The actor's body: one model, loaded once; ``transcribe`` is the shared per-utterance function."""

    def __init__(self, job: dict):
        self.job = TranscriptionJob.from_dict(job)
        self.loaded = load_job_model(self.job)

    def info(self) -> dict:
        import socket

        return {**self.loaded, "node": socket.gethostname(), "pid": os.getpid()}

    def transcribe(self, item: dict) -> dict:
        return transcribe_item(item, self.job)

    def peak_rss_mb(self) -> float:
        return peak_rss_mb()


def _import_ray(local: bool):
    # Set before Ray is imported: Ray reads them at import time.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if local:
        # Ray's single-node mode (its default on macOS/Windows): the node's address is 127.0.0.1 and
        # every gRPC server binds to loopback only, instead of to all interfaces.
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--engine ray needs Ray, which is not installed here. Install the cluster "
                             f"extra: {INSTALL_HINT} (or: pip install 'ray[data]>=2.9').") from None
    return ray


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """Refuse at once an address where nothing listens: Ray itself would retry for many minutes."""
    import socket

    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if address == "auto":
        return
    if not host or not port.isdigit():
        raise RayRefused(f"--address takes HOST:PORT of a running Ray head, e.g. 127.0.0.1:6379 (got '{address}').")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as e:
        raise RayRefused(f"Nothing answers at {hostport} ({e.strerror or type(e).__name__}). Start the head with "
                         "`ray start --head` (see README, 'Evaluation on a Ray cluster'), or drop --address "
                         "to use a private local instance.") from None


class RayEngine:
    """``with RayEngine(address, workers) as engine: engine.run(job, items, progress)``."""

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None, cpu_threads: int | None = None):
        self.address = address
        self.cpu_threads = cpu_threads or default_cpu_threads()
        if address is None:
            local_cpus = os.cpu_count() or 1
            if workers is not None and workers > local_cpus:
                raise RayRefused(f"--workers {workers} is more than this machine's {local_cpus} CPUs; each worker "
                                 "holds its own model (tiny.en int8 ~400 MB). Use --workers "
                                 f"{local_cpus} or fewer, or --address to use a cluster.")
        self.workers = workers
        self._ray = _import_ray(local=address is None)
        self._resources: dict = {}
        self._temp_dir: str | None = None
        self.start_s = None

    def __enter__(self) -> "RayEngine":
        ray = self._ray
        t0 = time.perf_counter()
        # Workers import this checkout's code (same path on every node) and run as offline as the driver.
        env = {k: os.environ[k] for k in ("CASENOTE_HOME", "HF_HUB_OFFLINE", "ORT_DISABLE_TELEMETRY",
                                          "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK") if k in os.environ}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env.update(thread_environment(self.cpu_threads))   # else Ray's OMP_NUM_THREADS=1 changes hypotheses
        common = dict(runtime_env={"env_vars": env}, log_to_driver=False, logging_level="ERROR",
                      configure_logging=True)
        if self.address is None:
            # Its own session folder (logs, sockets), removed when the instance stops.
            self._temp_dir = tempfile.mkdtemp(prefix="casenote-ray-")
            try:
                ray.init(address="local", num_cpus=self.workers or (os.cpu_count() or 1), include_dashboard=False,
                         object_store_memory=_OBJECT_STORE_BYTES, _temp_dir=self._temp_dir, **common)
            except BaseException:
                self.__exit__()
                raise
        else:
            _check_reachable(self.address)
            try:
                ray.init(address=self.address, **common)
            except (ConnectionError, ValueError, RuntimeError) as e:
                raise RayRefused(f"Cannot join the Ray cluster at {self.address}: {e}. Is it running, and if it "
                                 "uses token authentication, is RAY_AUTH_MODE=token set here with its token "
                                 "in ~/.ray/auth_token? See README, 'Evaluation on a Ray cluster'.") from None
        self.start_s = round(time.perf_counter() - t0, 3)
        self._resources = {k: v for k, v in ray.cluster_resources().items()}
        cpus = int(self._resources.get("CPU", 0))
        if self.workers is None:
            self.workers = max(cpus, 1)
        elif self.workers > cpus:
            self.__exit__()
            raise RayRefused(f"--workers {self.workers} is more than the cluster's {cpus} CPUs; each worker "
                             "actor reserves one CPU and would wait forever.")
        return self

    def __exit__(self, *exc) -> None:
        # Disconnects the driver; a local instance (started by us) stops with it.
        if self._ray.is_initialized():
            self._ray.shutdown()
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def describe(self) -> dict:
        nodes = [n for n in self._ray.nodes() if n.get("Alive")] if self._ray.is_initialized() else []
        return {"engine": self.name, "workers": self.workers, "cpu_threads": self.cpu_threads,
                "address": self.address or "local (started and stopped with the command)",
                "ray_version": self._ray.__version__, "ray_start_s": self.start_s,
                "cluster_resources": self._resources, "nodes": [n.get("NodeManagerAddress") for n in nodes],
                "session_dir": self._temp_dir}   # a local instance's logs; removed when it stops

    def run(self, job: TranscriptionJob, items: list[dict], progress=None) -> dict:
        """Same shape as ``LocalEngine.run``, plus ``actors`` (per actor: load time, node, peak RSS);
        ``load_s`` and ``peak_rss_mb`` are the largest of any one actor (one model per process)."""
        from ray.util import ActorPool

        ray = self._ray
        t0 = time.perf_counter()
        actor_cls = ray.remote(num_cpus=1, max_restarts=0)(_UtteranceWorker)
        actors = [actor_cls.remote(job.to_dict()) for _ in range(min(self.workers, max(len(items), 1)))]
        try:
            infos = ray.get([a.info.remote() for a in actors])
            raw = {"utterances": {}}
            for rec in ActorPool(actors).map_unordered(lambda a, item: a.transcribe.remote(item), items):
                raw["utterances"][rec["id"]] = rec
                if progress:
                    progress(1)
            peaks = ray.get([a.peak_rss_mb.remote() for a in actors])
        except ray.exceptions.RayError as e:
            raise RuntimeError(f"a Ray worker failed: {str(e).strip().splitlines()[-1]}") from None
        finally:
            for a in actors:
                ray.kill(a)
        raw.update(load_s=max(i["load_s"] for i in infos), peak_rss_mb=max(peaks),
                   wall_s=round(time.perf_counter() - t0, 3),
                   actors=[{**i, "peak_rss_mb": p} for i, p in zip(infos, peaks)])
        return raw

