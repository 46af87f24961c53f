"""The core path: the real Whisper tiny.en model on real and synthesised speech, and bad input."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import wave

import numpy as np
import pytest

from assistant.audio import AudioError
from assistant.transcribe import TranscribeOptions, transcribe
from tests.whisper_text import assert_transcript_invariants as _invariants, words

# The address's exact words. Its commas are not the contract: tiny.en int8 writes "And so, my fellow
# Americans ask not ..." with GENERIC, AVX2 and AVX512 kernels and "And so my fellow Americans, ask
# not ..., ask ..." with AVX ones (CT2_FORCE_CPU_ISA); the words are the same on every CPU.
JFK_WORDS = words("And so my fellow Americans ask not what your country can do for you "
                  "ask what you can do for your country.")


@pytest.mark.slow
@pytest.mark.shared
def test_jfk_exact_words(real_speech):
    # 44.1 kHz stereo 24-bit FLAC: the loader resamples it to 16 kHz mono.
    t = transcribe(real_speech / "audio/jfk/jfk.flac")
    assert words(t.text) == JFK_WORDS, t.text
    assert t.duration_s == pytest.approx(11.0, abs=0.01)
    _invariants(t)
    first = t.words[0]
    assert words(first.word) == ["and"] and first.start < 0.5


@pytest.mark.slow
@pytest.mark.shared
def test_librispeech_wer_bound(real_speech):
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    rows = list(csv.DictReader(open(real_speech / "refs.tsv", encoding="utf-8"), delimiter="\t",
                               quoting=csv.QUOTE_NONE))
    # The first utterance of each of the ten test-other speakers.
    picked = [r for r in rows if r["file"].startswith("audio/librispeech_test-other/") and r["id"].endswith("-0000")]
    assert len(picked) == 10
    norm = EnglishTextNormalizer()
    refs, hyps = [], []
    for r in picked:
        t = transcribe(real_speech / r["file"], TranscribeOptions(vocabulary=()))
        _invariants(t)
        refs.append(norm(r["reference_text"]))
        hyps.append(norm(t.text))
    wer = jiwer.wer(refs, hyps)
    # Whisper's paper: tiny.en 14.6% on the full test-other set; ten utterances are noisy.
    assert wer < 0.25, f"WER {wer:.3f}"


@pytest.mark.slow
def test_synthesised_dictation_core_path(speak):
    """Speech the project makes itself, so a fresh clone tests the core path without ../shared."""
    text = ("Office appointment today. He attended on time and his accommodation is now stable. "
            "He has an appointment at the Jobcentre on Thursday about Universal Credit.")
    wav = speak(text, "piper")
    t = transcribe(wav)
    _invariants(t)
    said = " ".join(words(t.text))
    for phrase in ("office appointment", "attended on time", "accommodation", "job center", "thursday",
                   "universal credit"):
        assert " ".join(words(phrase)) in said, (phrase, t.text)
    assert t.timing.transcribe_s > 0 and t.duration_s > 5
    assert t.options["vocabulary"] == []          # no hotwords unless the officer configures them


@pytest.mark.slow
def test_domain_terms_as_hotwords_fix_spelling(speak, casenote_home):
    """Opt-in vocabulary: with the term configured Whisper writes "Jobcentre", not "job center"."""
    wav = speak("He has an appointment at the Jobcentre on Thursday about Universal Credit.", "piper")
    assert "job center" in " ".join(words(transcribe(wav).text))
    (casenote_home / "vocabulary.txt").write_text("# one term a line\nJobcentre\n")
    t = transcribe(wav)
    assert t.options["vocabulary"] == ["Jobcentre"] and "Jobcentre" in t.text


@pytest.mark.slow
def test_silence_gives_empty_text(tmp_path):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(np.zeros(16000 * 8, dtype=np.int16).tobytes())
    t = transcribe(path)
    assert t.text == "" and t.segments == []
    assert t.duration_s == pytest.approx(8.0)


@pytest.mark.parametrize("make,message", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_text("this is a note, not a recording\n"), "not an audio file"),
])
def test_bad_input_is_a_clear_error(tmp_path, make, message):
    p = tmp_path / "dictation.wav"
    make(p)
    with pytest.raises(AudioError, match=message):
        transcribe(p)


@pytest.mark.shared
def test_truncated_flac_is_refused(real_speech, tmp_path):
    data = (real_speech / "audio/jfk/jfk.flac").read_bytes()
    p = tmp_path / "cut.flac"
    p.write_bytes(data[: len(data) // 20])
    with pytest.raises(AudioError, match="truncated"):
        transcribe(p)


def test_over_long_audio_is_refused(tmp_path):
    p = tmp_path / "long.wav"
    with wave.open(str(p), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(np.zeros(8000 * 90, dtype=np.int16).tobytes())
    with pytest.raises(AudioError, match="over the 1 min limit"):
        transcribe(p, max_duration_s=60)


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, **kw)


@pytest.mark.slow
@pytest.mark.shared
def test_cli_json_contract(real_speech):
    r = _cli("transcribe", str(real_speech / "audio/jfk/jfk.flac"), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert words(out["text"]) == JFK_WORDS, out["text"]
    assert out["language"] == "en" and out["model"] == "tiny.en" and out["duration_s"] == 11.0
    assert set(out["timing"]) >= {"load_s", "transcribe_s"} and out["timing"]["load_s"] > 0
    seg = out["segments"][0]
    assert set(seg) >= {"start", "end", "text", "words"}
    assert set(seg["words"][0]) >= {"word", "start", "end", "probability"}


@pytest.mark.parametrize("content", [None, b"", b"GIF89a not audio"])
def test_cli_bad_input_exit_code(tmp_path, content):
    p = tmp_path / "x.wav"
    if content is not None:
        p.write_bytes(content)
    r = _cli("transcribe", str(p), "--json")
    assert r.returncode == 2
    assert r.stdout == "" and "casenote: error:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.shared
def test_cli_unknown_model_names_the_choices(real_speech):
    r = _cli("transcribe", str(real_speech / "audio/jfk/jfk.flac"), "--model", "large-v9")
    assert r.returncode == 2 and "tiny.en" in r.stderr and "base" in r.stderr


def test_truncated_wav_is_refused(tmp_path):
    full = tmp_path / "full.wav"
    with wave.open(str(full), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes((np.sin(np.arange(16000 * 10) / 5) * 8000).astype(np.int16).tobytes())
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[:100_000])
    with pytest.raises(AudioError, match="truncated"):
        transcribe(cut)
    from assistant.audio import load_audio

    assert len(load_audio(full)) == 160000  # the whole file still loads
