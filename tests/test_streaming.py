"""The streaming engine (assistant.streaming) on real speech: words committed while audio arrives are
never retracted, the final transcript matches batch transcription of the same audio (words after
Whisper's normaliser), Stop stores the same kind of pending note ``process`` stores, a killed
capture becomes exactly one note through ``casenote resume``, revoking consent mid-stream stops and
erases it, and the 15-minute cap stops capture.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant import paths
from assistant.audio import load_audio
from assistant.store import ConsentRequired, Store
from assistant.streaming import DictationStream, HypWord, LocalAgreement, StreamOptions, StreamStopped
from eval.wer import normalise, score_utterance

DICTATION = ("Post session note. I saw John Smith at the office today and he attended on time. We talked "
             "about his housing and his debts, and I referred him to Shelter. He said he has been drinking "
             "less. He agreed to bring his tenancy letter. His next appointment is on Friday at ten in the morning.")


def _w(text, start):
    return HypWord(" " + text, start, start + 0.3, 0.9)


def test_local_agreement_commits_only_what_two_hypotheses_share():
    la = LocalAgreement()
    assert la.update([_w("the", 0.0), _w("cat", 0.4)]) == []            # nothing to agree with yet
    got = la.update([_w("the", 0.0), _w("cat,", 0.4), _w("sat", 0.8)])  # punctuation does not block
    assert [w.raw for w in got] == [" the", " cat,"]
    assert [w.raw for w in la.pending] == [" sat"]
    got = la.update([_w("the", 0.0), _w("cat", 0.4), _w("sad", 0.8), _w("on", 1.2)])
    assert got == [] and [w.raw for w in la.committed] == [" the", " cat,"]   # committed words stay
    assert [w.raw for w in la.commit_all([_w("sat", 0.8), _w("on", 1.2)])] == [" sat", " on"]


def _stream_in_chunks(samples, store, consent, chunk_s=0.5, **kw):
    stream = DictationStream("jsmith", consent, "2026-03-09", store=store, paced_by_audio=True, **kw)
    seen = []
    step = int(chunk_s * 16000)
    for i in range(0, len(samples), step):
        stream.feed(samples[i:i + step])
        seen.append(stream.committed_text())
    return stream, seen



def _stored_samples(store, recording_id) -> np.ndarray:
    """The stored recording, decrypted in memory and decoded (the store keeps no clear copy)."""
    import io

    from faster_whisper import decode_audio

    return decode_audio(io.BytesIO(store.recording_audio_bytes(recording_id)), sampling_rate=16000)

@pytest.mark.slow
@pytest.mark.spacy
def test_stream_commits_monotonically_and_matches_batch_then_stores_the_note(speak):
    from assistant.transcribe import transcribe

    samples = load_audio(speak(DICTATION))
    store = Store()
    consent = store.grant_consent("jsmith")
    stream, seen = _stream_in_chunks(samples, store, consent)
    assert any(seen[:-1]), "no words were committed before the end of the audio"
    for before, after in zip(seen, seen[1:]):
        assert after.startswith(before), f"committed text was retracted: {before!r} -> {after!r}"
    result = stream.stop()
    assert result.status == "pending_review" and result.note_id
    assert set(result.fields) >= {"contact_date", "referrals", "next_appointment"}
    note = store.get_note(result.note_id)
    assert "[PERSON_1]" in note["transcript"] and "Smith" not in note["transcript"]
    final = stream.committed_text()          # everything committed, the tail decoded at Stop included
    assert final.startswith(seen[-1])
    batch = transcribe(samples).text
    # Close to batch on every instruction set (CT2_FORCE_CPU_ISA=AVX gave 7.3% on this dictation,
    # AVX512 under 5%). The target (within 1 point over whole sets) is measured by
    # benchmarks/streaming_bench.py wer, and is not met yet (README).
    assert score_utterance(normalise(batch), normalise(final)).wer <= 0.10
    assert score_utterance(DICTATION, final).wer <= 0.15
    # The stored recording is the audio that was streamed, encrypted at rest (no playable file).
    assert not store.recording_audio_path(result.recording_id).read_bytes().startswith(b"RIFF")
    stored = _stored_samples(store, result.recording_id)
    assert abs(len(stored) - len(samples)) <= 1 and np.max(np.abs(stored - samples)) < 2e-4


@pytest.mark.slow
@pytest.mark.spacy
def test_stop_takes_the_running_decode_as_final_when_it_heard_all_the_speech(speak):
    """Stop pressed while the worker decodes a buffer that already holds all the speech: Stop waits
    for that decode instead of decoding the buffer once more, and its words are the final ones."""
    from assistant.transcribe import transcribe

    text = "He agreed to bring his tenancy letter on Friday."
    samples = np.concatenate([load_audio(speak(text)), np.zeros(16000, dtype=np.float32)])
    store = Store()
    stream = DictationStream("jsmith", store.grant_consent("jsmith"), "2026-03-09", store=store)
    stream.feed(samples)                              # all at once: the worker's first decode hears it all
    deadline = time.monotonic() + 30
    while stream._inflight == 0 and stream.stats.decodes == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert stream._inflight, "the worker did not start decoding"
    transcript, _ = stream.finish_transcript()
    assert stream.stats.stop["final"] == "decode in flight" and stream.stats.decodes == 1, (stream.stats.stop, stream.stats.decodes)
    assert transcript.text == stream.committed_text() and not stream.pending_text()
    assert score_utterance(normalise(transcribe(samples).text), normalise(transcript.text)).wer <= 0.10
    stream.discard()


@pytest.mark.slow
@pytest.mark.spacy
def test_stop_gives_up_a_running_decode_that_heard_too_little(speak):
    """Stop pressed while the worker decodes only the first half of the speech: that decode is given
    up at its next model call (its words are never used) and the whole buffer is decoded once."""
    from assistant.transcribe import transcribe

    text = "He agreed to bring his tenancy letter on Friday, and we talked about his housing and his debts."
    samples = np.concatenate([load_audio(speak(text)), np.zeros(8000, dtype=np.float32)])
    half = len(samples) // 2
    store = Store()
    stream = DictationStream("jsmith", store.grant_consent("jsmith"), "2026-03-09", store=store)
    stream.feed(samples[:half])
    deadline = time.monotonic() + 30
    while stream._inflight == 0 and time.monotonic() < deadline:
        time.sleep(0.002)
    assert stream._inflight == half, "the worker did not start decoding the first half"
    stream.feed(samples[half:])
    transcript, _ = stream.finish_transcript()
    assert stream.stats.stop["final"] == "tail decode", stream.stats.stop
    assert stream.stats.decodes == 1, "the given-up decode finished, or its words were used"
    assert not stream._cancel.is_set()
    assert score_utterance(normalise(transcribe(samples).text), normalise(transcript.text)).wer <= 0.10
    stream.discard()


@pytest.mark.slow
@pytest.mark.spacy
@pytest.mark.shared
def test_stream_on_real_speech_is_as_accurate_as_batch(real_speech):
    from assistant.transcribe import transcribe
    from eval.asr import read_manifest

    utts = read_manifest(real_speech / "refs.tsv", subset="librispeech_test-other", limit=4)
    store = Store()
    consent = store.grant_consent("jsmith")
    ref_words = batch_err = stream_err = 0
    for u in utts:
        samples = load_audio(u.audio)
        stream, _ = _stream_in_chunks(samples, store, consent)
        text = stream.finish_transcript()[0].text
        stream.discard()
        b, s = score_utterance(u.reference, transcribe(samples).text), score_utterance(u.reference, text)
        ref_words, batch_err, stream_err = ref_words + b.words, batch_err + b.errors, stream_err + s.errors
    assert stream_err / ref_words <= batch_err / ref_words + 0.05
    assert not list(paths.audio_dir().iterdir())          # discarded streams leave no audio


@pytest.mark.slow
@pytest.mark.spacy
def test_revoking_consent_mid_stream_stops_capture_and_erases_it(speak):
    samples = load_audio(speak(DICTATION))
    store = Store()
    consent = store.grant_consent("jsmith")
    stream = DictationStream("jsmith", consent, store=store)
    stream.feed(samples[:3 * 16000])
    assert any(paths.audio_dir().iterdir())
    Store().revoke_consent(consent, by="jsmith")
    with pytest.raises(ConsentRequired):
        stream.feed(samples[3 * 16000:4 * 16000])
    with pytest.raises(StreamStopped):
        stream.stop()
    assert list(paths.audio_dir().iterdir()) == []
    assert store.list_notes() == [] and store._all("SELECT id FROM recordings") == []


@pytest.mark.slow
@pytest.mark.spacy
def test_capture_stops_at_the_cap(speak):
    samples = load_audio(speak(DICTATION))
    store = Store()
    stream = DictationStream("jsmith", store.grant_consent("jsmith"), store=store, paced_by_audio=True,
                             options=StreamOptions(max_duration_s=4.0))
    assert stream.feed(samples[:2 * 16000]) is True
    assert stream.feed(samples[2 * 16000:6 * 16000]) is False      # the rest is not kept
    assert stream.capped and stream.duration_s == 4.0
    result = stream.stop()
    assert store.get_note(result.note_id)["status"] == "pending_review"


_KILLED_STREAM = """
import sys, time
from assistant.audio import load_audio
from assistant.store import Store
from assistant.streaming import DictationStream
samples = load_audio(sys.argv[1])
stream = DictationStream("jsmith", sys.argv[2], "2026-03-09", store=Store())
for i in range(0, len(samples), 1600):
    stream.feed(samples[i:i + 1600])
    if i >= len(samples) // 2:
        print("HALF", flush=True)
        time.sleep(600)          # killed here, mid-dictation
"""


@pytest.mark.slow
@pytest.mark.spacy
def test_killed_stream_then_resume_gives_exactly_one_note(speak, monkeypatch):
    import assistant.pipeline as pipeline

    wav = speak(DICTATION)
    consent = Store().grant_consent("jsmith")
    env = {**os.environ, "CASENOTE_HOME": str(paths.casenote_home())}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_STREAM, str(wav), consent], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "HALF"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    [rec] = Store()._all("SELECT id, stage FROM recordings")
    assert rec["stage"] == "importing"
    monkeypatch.setattr(pipeline, "_LIVE_CAPTURE_S", 0)     # no need to wait out the live-capture guard
    time.sleep(0.05)
    done, problems = pipeline.resume_all()
    assert problems == [] and len(done) == 1
    note = Store().get_note(done[0].note_id)
    assert note["status"] == "pending_review" and "[PERSON_1]" in note["transcript"]
    # About half the dictation was captured before the kill, and it all made it into the note.
    assert 0.3 < len(_stored_samples(Store(), rec["id"])) / len(load_audio(wav)) < 0.8
    r = subprocess.run([sys.executable, "-m", "assistant", "resume", "--json"], env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0 and json.loads(r.stdout)["completed"] == []
    assert len(Store().list_notes()) == 1


@pytest.mark.spacy
def test_redacting_ahead_on_a_growing_text_gives_the_same_redaction():
    """The stream redacts its committed text as it grows (spaCy's entities cached per chunk); the
    redaction at Stop must be exactly what a fresh redaction of the whole text gives."""
    from redaction import redact

    sentences = [f"I saw John Smith on day {i} and he said his sister Mary Jones lives in Leeds. " for i in range(60)]
    full = "".join(sentences) + "He gave his number as 07700 900461."
    cache: dict = {}
    for k in (20, 40, 60):
        redact("".join(sentences[:k]).strip(), ner_cache=cache)
    ahead, fresh = redact(full, ner_cache=cache), redact(full)
    assert len(full) > 3 * 1500 and len(cache) >= 3
    assert ahead.text == fresh.text and ahead.to_dict() == fresh.to_dict()


@pytest.mark.slow
def test_a_later_whisper_window_over_trailing_silence_is_dropped_one_over_speech_kept(speak):
    """A buffer fits one Whisper window; when faster-whisper seeks past the last word and decodes
    what is left as a new window, that window holds new words only if there is speech left
    (streaming/remnant.py). Real speech, a real decode, Silero VAD; the later windows are made by
    splitting the real decode where faster-whisper would."""
    from dataclasses import replace

    from faster_whisper.transcribe import Word

    from assistant.streaming.remnant import without_silent_remnant
    from assistant.transcribe import TranscribeOptions, decode_options, load_model

    speech = load_audio(speak("I met him at the office this morning. He has found a new job at the bakery "
                              "and he starts on Monday."))
    buf = np.concatenate([speech, np.zeros(16000, dtype=np.float32)])      # Stop pressed a second later
    model = load_model("tiny.en")[0]
    segs = list(model.transcribe(buf, **decode_options(TranscribeOptions(model="tiny.en"), []))[0])
    words = [w for s in segs for w in s.words]
    assert len(words) >= 10
    last = words[-1].end
    # A second window over the trailing silence, with what Whisper writes there.
    hallucination = replace(segs[-1], seek=segs[-1].seek + 500, start=last, end=last + 0.4, text=" Thank you.",
                            words=[Word(last, last + 0.2, " Thank", 0.4), Word(last + 0.2, last + 0.4, " you.", 0.4)])
    assert without_silent_remnant(segs + [hallucination], buf) == segs
    # The same decode, as if the first window had stopped after five words: the rest is speech, kept.
    first = replace(segs[0], words=words[:5], end=words[4].end)
    rest = replace(segs[0], seek=segs[0].seek + 100, start=words[5].start, words=words[5:])
    assert without_silent_remnant([first, rest], buf) == [first, rest]
    assert without_silent_remnant([first, rest, hallucination], buf) == [first, rest]
