"""``casenote eval asr --engine ray``: the same hypotheses, WER and CI as the local loop, from Ray
actors on a private local Ray instance; and a clear exit 2 where Ray cannot be used."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 6


def _casenote(args: list[str], prelude: str = "") -> subprocess.Popen:
    """The real command in its own process (Ray's driver state must not live in the test process)."""
    code = f"{prelude}\nimport sys\nfrom assistant.cli import main\nsys.argv = ['casenote', *{args!r}]\nmain()"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


@pytest.mark.slow
@pytest.mark.shared
def test_ray_with_two_workers_gives_the_local_hypotheses_and_wer(tmp_path, real_speech):
    common = ["eval", "asr", "--manifest", str(real_speech / "refs.tsv"), "--limit", str(LIMIT), "--json"]
    # Both runs at once: the figures compared do not depend on timing, and the test stays short.
    local = _casenote([*common, "--out", str(tmp_path / "local")])
    on_ray = _casenote([*common, "--out", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2"])
    (rc_l, out_l, err_l), (rc_r, out_r, err_r) = _finish(local), _finish(on_ray)
    assert rc_l == 0, err_l
    assert rc_r == 0, err_r
    res_l = json.loads((tmp_path / "local" / "results.json").read_text())
    res_r = json.loads((tmp_path / "ray" / "results.json").read_text())
    [conf_l], [conf_r] = res_l["configurations"], res_r["configurations"]
    hyps_l = [(u["id"], u["raw_hypothesis"]) for u in conf_l["per_utterance"]]
    hyps_r = [(u["id"], u["raw_hypothesis"]) for u in conf_r["per_utterance"]]
    assert len(hyps_l) == LIMIT and conf_l["failed"] == conf_r["failed"] == 0
    assert hyps_r == hyps_l                                    # hypothesis by hypothesis, in manifest order
    for key in ("wer", "cer", "ci95", "words", "counts", "top_substitutions"):
        assert conf_r[key] == conf_l[key], key
    assert json.loads(out_r)["configurations"][0]["wer"] == json.loads(out_l)["configurations"][0]["wer"]
    # What ran where is recorded: two actors, one model each, on a loopback-only local instance.
    eng = res_r["engine"]
    assert eng["engine"] == "ray" and eng["workers"] == 2 and eng["cluster_resources"]["CPU"] == 2
    assert eng["nodes"] == ["127.0.0.1"] and eng["cpu_threads"] == res_l["engine"]["cpu_threads"]
    assert res_l["engine"]["engine"] == "local"
    actors = conf_r["actors"]
    assert len(actors) == 2 and len({a["pid"] for a in actors}) == 2
    assert all(a["model"] == "tiny.en" and 50 < a["peak_rss_mb"] < 2000 for a in actors), actors
    assert all(a["cpu_threads"] == eng["cpu_threads"] for a in actors)
    assert eng["session_dir"] and not Path(eng["session_dir"]).exists()   # the local instance stopped, cleaned up


BLOCK_RAY = "import sys\nsys.modules['ray'] = None   # as if Ray were not installed: `import ray` fails"


def _tiny_manifest(tmp_path) -> Path:
    (tmp_path / "x.wav").write_bytes(b"RIFF")
    m = tmp_path / "m.tsv"
    m.write_text("id\tfile\treference_text\na\tx.wav\thello\n")
    return m


def test_without_ray_the_engine_says_how_to_install_it(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps([{"id": "g1", "spoken": "He attended on time."}]))
    for args in (["eval", "asr", "--manifest", str(_tiny_manifest(tmp_path)), "--engine", "ray"],
                 ["eval", "dictation", "--gold", str(gold), "--voices", "espeak", "--engine", "ray"]):
        rc, out, err = _finish(_casenote(args, prelude=BLOCK_RAY), timeout=120)
        assert rc == 2, err
        assert 'pip install -e ".[cluster]"' in err and "Traceback" not in err
        assert out == ""


@pytest.mark.parametrize("args,needle", [
    (["--address", "127.0.0.1:6379"], "--address needs --engine ray"),
    (["--workers", "2"], "--workers needs --engine ray"),
    (["--engine", "ray", "--workers", str((os.cpu_count() or 1) + 1)], "more than this machine's"),
    (["--engine", "spark"], "--engine"),
    (["--engine", "ray", "--address", "127.0.0.1:1"], "Nothing answers at 127.0.0.1:1"),
    (["--engine", "ray", "--address", "headnode"], "HOST:PORT"),
])
def test_engine_options_that_cannot_run_exit_2(tmp_path, args, needle):
    res = CliRunner().invoke(cli, ["eval", "asr", "--manifest", str(_tiny_manifest(tmp_path)), *args])
    assert res.exit_code == 2 and needle in res.output, res.output
