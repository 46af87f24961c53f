"""Long dictations for the speed benchmarks, made on this device: the project's gold dictations spoken
by Piper (eval.synth, cached) and joined with short pauses until the wanted length is reached.

    from benchmarks.dictation_audio import long_dictation
    wav, reference = long_dictation(149)          # about 149 s of speech; reference = the words spoken
"""
from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["long_dictation", "gold_texts"]

_GOLD = ("eval/gold/extraction_dictations.json", "eval/gold/redaction_dictations.json")
_PAUSE_S = 0.6


def gold_texts() -> list[str]:
    out = []
    for rel in _GOLD:
        out += [d["spoken"] for d in json.loads((ROOT / rel).read_text())]
    return out


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wf:
        rate = wf.getframerate()
        pcm = np.frombuffer(wf.readframes(wf.getnframes()), dtype=np.int16)
    return pcm, rate


def long_dictation(seconds: float, voice: str = "piper", out_dir: Path | None = None) -> tuple[Path, str]:
    """A WAV of about ``seconds`` (never more: whole dictations only, so a little less) and its text."""
    from eval.synth import cached_synthesis

    cache = ROOT / ".cache" / "test-speech"
    out_dir = out_dir or ROOT / ".cache" / "bench-speech"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{voice}-dictation-{int(seconds)}s-v2.wav"
    pieces, texts, total, rate = [], [], 0.0, None
    texts_all = gold_texts()
    misses = 0
    for i in range(10_000):               # the gold texts in order, round again if needed; skip what does not fit
        text = texts_all[i % len(texts_all)]
        pcm, r = _read_wav(cached_synthesis(text, voice, cache))
        rate = rate or r
        dur = len(pcm) / r + _PAUSE_S
        if total + dur > seconds and pieces:
            misses += 1
            if misses > len(texts_all):
                break
            continue
        pieces += [pcm, np.zeros(int(_PAUSE_S * r), dtype=np.int16)]
        texts.append(text)
        total += dur
    if not out.exists():
        tmp = out.with_suffix(".tmp.wav")
        with wave.open(str(tmp), "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(rate)
            wf.writeframes(np.concatenate(pieces).tobytes())
        tmp.replace(out)
    return out, " ".join(texts)
