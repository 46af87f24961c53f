"""Only the officer's voice: the real resemblyzer encoder on speech the project synthesises itself
(piper and espeak are two different "speakers") and, where ../shared exists, on real LibriSpeech
speakers spliced into one dictation."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.audio import SAMPLE_RATE, load_audio
from assistant.speaker import (EMBEDDING_SIZE, THRESHOLD, SpeakerCheck, SpeakerError, check_speaker,
                               embed_voice, enrolment, format_clock)

ENROL_PASSAGE = ("I am enrolling my voice for case notes. I will dictate my summaries after each supervision "
                 "session, once the person on probation has left the room. The quick brown fox jumps over "
                 "the lazy dog, and a careful officer writes a clear and accurate record of every contact.")
OFFICER_BEFORE = "Session with the person on probation today. He attended on time and was sober."
OFFICER_AFTER = "We reviewed his employment and accommodation, and he has been referred to the housing team."
OTHER_SAYS = "Giraffes and volcanoes are marvellous, and my favourite colour is purple."
OTHER_WORDS = ["giraffe", "volcano", "marvellous", "purple", "colour", "color", "favourite", "favorite"]


def _gap(seconds: float = 0.4) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def _overlap(spans, a: float, b: float) -> float:
    return sum(max(0.0, min(y, b) - max(x, a)) for x, y in spans)


@pytest.fixture(scope="module")
def piper_officer(speak):
    """(voiceprint, dictation samples, (start, end) of the espeak interruption)."""
    vp = embed_voice(load_audio(speak(ENROL_PASSAGE, "piper")))
    before, other, after = (load_audio(speak(OFFICER_BEFORE, "piper")), load_audio(speak(OTHER_SAYS, "espeak")),
                            load_audio(speak(OFFICER_AFTER, "piper")))
    audio = np.concatenate([before, _gap(), other, _gap(), after])
    start = (len(before) + len(_gap())) / SAMPLE_RATE
    return vp, audio, (start, start + len(other) / SAMPLE_RATE)


# --- the check on the project's own voices ----------------------------------------------------

@pytest.mark.slow
def test_second_synthetic_voice_is_silenced_reported_and_not_transcribed(piper_officer):
    from assistant.transcribe import transcribe

    vp, audio, (a, b) = piper_officer
    masked, check = check_speaker(audio, vp)

    assert check.enrolled and check.threshold == THRESHOLD
    assert len(masked) == len(audio)                                # times stay aligned
    assert _overlap(check.removed, a, b) >= 0.9 * (b - a), check.removed
    assert sum(y - x for x, y in check.removed) - _overlap(check.removed, a, b) < 1.0, check.removed
    for x, y in check.removed:                                      # silenced inside, untouched outside
        assert not np.any(masked[int(x * SAMPLE_RATE) + 1:int(y * SAMPLE_RATE) - 1])
    outside = np.ones(len(audio), dtype=bool)
    for x, y in check.removed:
        outside[int(x * SAMPLE_RATE):int(np.ceil(y * SAMPLE_RATE))] = False
    assert np.array_equal(masked[outside], audio[outside])
    assert check.messages() == [f"another voice at {format_clock(x)}-{format_clock(y)} was left out"
                                for x, y in check.removed]

    text = transcribe(masked).text.lower()
    assert not [w for w in OTHER_WORDS if w in text], text
    assert "probation" in text and "housing" in text, text          # the officer's words stay


@pytest.mark.slow
def test_officer_alone_loses_nothing(piper_officer, speak):
    vp, _, _ = piper_officer
    audio = np.concatenate([load_audio(speak(OFFICER_BEFORE, "piper")), _gap(3.0),
                            load_audio(speak(OFFICER_AFTER, "piper"))])
    masked, check = check_speaker(audio, vp)
    assert check.removed == [] and check.messages() == []
    assert np.array_equal(masked, audio)
    assert check.kept == [(0.0, round(len(audio) / SAMPLE_RATE, 3))]
    assert check.scores and min(s for _, _, s in check.scores) >= THRESHOLD


@pytest.mark.slow
def test_espeak_officer_drops_piper_interruption(speak):
    """The same check the other way round: whichever synthetic voice enrols, the other one goes."""
    vp = embed_voice(load_audio(speak(ENROL_PASSAGE, "espeak")))
    before, other = load_audio(speak(OFFICER_BEFORE, "espeak")), load_audio(speak(OTHER_SAYS, "piper"))
    audio = np.concatenate([before, _gap(), other])
    a = (len(before) + len(_gap())) / SAMPLE_RATE
    _, check = check_speaker(audio, vp)
    assert _overlap(check.removed, a, len(audio) / SAMPLE_RATE) >= 0.9 * len(other) / SAMPLE_RATE, check.removed
    assert _overlap(check.removed, 0.0, len(before) / SAMPLE_RATE) < 0.5, check.removed


# --- no enrolment, silence, bad input ---------------------------------------------------------

def test_no_enrolment_keeps_everything_and_warns(speak):
    audio = load_audio(speak(OFFICER_BEFORE, "piper"))
    masked, check = check_speaker(audio, None)
    assert np.array_equal(masked, audio)
    assert not check.enrolled and check.removed == []
    [warning] = check.messages()
    assert "No voice enrolment" in warning and "casenote enrol --officer" in warning


@pytest.mark.slow
def test_silence_and_pauses_are_never_another_voice(piper_officer):
    vp, _, _ = piper_officer
    silence = np.zeros(10 * SAMPLE_RATE, dtype=np.float32)
    masked, check = check_speaker(silence, vp)
    assert check.removed == [] and check.speech_s == 0 and np.array_equal(masked, silence)
    assert check.messages() == ["No speech was found in the recording."]
    for level in (0.001, 0.03):                                     # quiet hiss, a loud fan
        hiss = (level * np.random.default_rng(0).standard_normal(10 * SAMPLE_RATE)).astype(np.float32)
        assert check_speaker(hiss, vp)[1].removed == [], level       # noise is not another voice


def test_bad_samples_and_voiceprints_are_refused_clearly():
    with pytest.raises(SpeakerError, match="mono"):
        check_speaker(np.zeros((2, 16000), dtype=np.float32), np.ones(EMBEDDING_SIZE))
    with pytest.raises(SpeakerError, match="enrol the officer again"):
        check_speaker(np.zeros(16000, dtype=np.float32), np.ones(10))
    with pytest.raises(SpeakerError, match="enrol the officer again"):
        check_speaker(np.zeros(16000, dtype=np.float32), np.full(EMBEDDING_SIZE, np.nan))
    masked, check = check_speaker(np.zeros(0, dtype=np.float32), np.ones(EMBEDDING_SIZE))
    assert len(masked) == 0 and check.removed == [] and check.kept == []


# --- enrolment --------------------------------------------------------------------------------

@pytest.mark.slow
def test_enrolment_gives_a_unit_voiceprint_from_enough_speech(speak):
    vp, info = enrolment(load_audio(speak(ENROL_PASSAGE, "piper")))
    assert vp.shape == (EMBEDDING_SIZE,) and vp.dtype == np.float32
    assert abs(float(np.linalg.norm(vp)) - 1.0) < 1e-5
    assert info["speech_s"] >= 10 and info["windows"] > 5 and info["consistency"] >= 0.9


@pytest.mark.slow
def test_enrolment_refuses_too_little_speech_and_two_voices(speak):
    with pytest.raises(SpeakerError, match=r"only \d+\.\d s of speech; at least 10 s"):
        embed_voice(load_audio(speak(OFFICER_BEFORE, "piper")))
    with pytest.raises(SpeakerError, match="at least 10 s"):
        embed_voice(np.zeros(30 * SAMPLE_RATE, dtype=np.float32))
    two_voices = np.concatenate([load_audio(speak(ENROL_PASSAGE, "piper")), load_audio(speak(ENROL_PASSAGE, "espeak"))])
    with pytest.raises(SpeakerError, match="seems to hold two voices"):
        embed_voice(two_voices)


# --- the report -------------------------------------------------------------------------------

def test_report_reads_in_minutes_and_seconds_and_round_trips():
    check = SpeakerCheck(enrolled=True, threshold=0.7, kept=[(0.0, 42.0), (55.2, 80.0)], removed=[(42.0, 55.2)],
                         scores=[(41.0, 42.6, 0.31)], speech_s=60.0)
    assert check.messages() == ["another voice at 00:42-00:55 was left out"]
    assert format_clock(61.6) == "01:02" and format_clock(0) == "00:00" and format_clock(3725) == "62:05"
    d = check.to_dict()
    assert d["messages"] == check.messages()
    assert SpeakerCheck.from_dict(d) == check


# --- real speakers (../shared) ----------------------------------------------------------------

def _utt(real_speech, uid: str) -> np.ndarray:
    [path] = list(real_speech.glob(f"audio/*/{uid}.flac"))
    return load_audio(path)


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("officer, other", [("1998-15444", "533-1066-0009"),     # two women
                                            ("3080-5032", "2033-164914-0009")])  # a woman, a man
def test_second_real_speaker_is_silenced_and_officer_kept(real_speech, officer, other):
    vp = embed_voice(np.concatenate([_utt(real_speech, f"{officer}-000{i}") for i in range(3)]))
    before, intruder, after = (_utt(real_speech, f"{officer}-0005"), _utt(real_speech, other),
                               _utt(real_speech, f"{officer}-0006"))
    audio = np.concatenate([before, _gap(), intruder, _gap(), after])
    a = (len(before) + len(_gap())) / SAMPLE_RATE
    b = a + len(intruder) / SAMPLE_RATE
    masked, check = check_speaker(audio, vp)
    assert _overlap(check.removed, a, b) >= 0.85 * (b - a), (check.removed, (a, b))
    # benchmarks/speaker_threshold.py measures up to a third of an officer's speech lost beside the cut
    # for the weakest enrolments; here at most a quarter, and every cut is reported to the officer.
    officer_s = (len(before) + len(after)) / SAMPLE_RATE
    lost = sum(y - x for x, y in check.removed) - _overlap(check.removed, a, b)
    assert lost < 0.25 * officer_s, (check.removed, (a, b))
    assert any(m.startswith("another voice at 00:") for m in check.messages())
    assert np.any(masked[: int(a * SAMPLE_RATE)]) and np.any(masked[int(b * SAMPLE_RATE):])
