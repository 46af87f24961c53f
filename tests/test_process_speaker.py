"""Only the officer's voice: a dictation with another real speaker spliced into the middle comes back
without that speaker's words, and the gap is reported. Real LibriSpeech voices from ../shared
(speaker 2609 dictates, speaker 3331 interrupts); skipped where ../shared is absent."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from assistant import paths
from assistant.audio import SAMPLE_RATE, load_audio
from assistant.pipeline import process_dictation
from assistant.speaker import embed_voice
from assistant.store import Store

OFFICER_ENROL = ["2609-156975-0002", "2609-156975-0004", "2609-156975-0006"]
OFFICER_SAYS = ["2609-156975-0005", "2609-156975-0008"]   # ...HEBREWS... / ...NARRATIVES... EGYPT
OTHER_SAYS = "3331-159605-0009"                           # ...WEALTH ACCOMPLISHMENTS... POLLY...
OTHER_WORDS = ["polly", "wealth", "accomplishments", "doubtless", "suspected", "attracted"]


def _utt(real_speech, uid: str) -> np.ndarray:
    [path] = list(real_speech.glob(f"audio/*/{uid}.flac"))
    return load_audio(path)


@pytest.fixture(scope="module")
def voiceprint(real_speech):
    """Speaker 2609's enrolment (~39 s of reading), embedded once for this module's tests."""
    return embed_voice(np.concatenate([_utt(real_speech, u) for u in OFFICER_ENROL]))


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.spacy
def test_spliced_second_voice_is_left_out_and_reported(real_speech, voiceprint, tmp_path):
    store = Store()
    store.set_voiceprint("jsmith", voiceprint)
    first, other, last = (_utt(real_speech, OFFICER_SAYS[0]), _utt(real_speech, OTHER_SAYS),
                          _utt(real_speech, OFFICER_SAYS[1]))
    wav = tmp_path / "spliced.wav"
    sf.write(wav, np.concatenate([first, other, last]), SAMPLE_RATE)
    other_start, other_end = len(first) / SAMPLE_RATE, (len(first) + len(other)) / SAMPLE_RATE

    r = process_dictation(wav, "jsmith", store.grant_consent("jsmith"), "2026-03-09", store=store)

    text = r.transcript.lower()
    assert not [w for w in OTHER_WORDS if w in text], text
    assert "hebrews" in text or "egypt" in text                    # the officer's words stay
    removed = r.speaker_check["removed"]
    covered = sum(max(0.0, min(b, other_end) - max(a, other_start)) for a, b in removed)
    assert covered >= 0.8 * (other_end - other_start), removed     # most of the other voice went
    officer_lost = sum(b - a for a, b in removed) - covered
    assert officer_lost < 2.0, removed                             # and little of the officer's
    assert any(m.startswith("another voice at 00:0") and "was left out" in m for m in r.warnings), r.warnings
    assert store.get_note(r.note_id)["speaker_check"]["removed"] == removed


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.spacy      # the text models are warmed while Whisper decodes what the speaker check kept
def test_a_recording_of_someone_else_only_is_refused_and_not_kept(real_speech, voiceprint, tmp_path):
    from assistant.pipeline import NoSpeech

    store = Store()
    store.set_voiceprint("jsmith", voiceprint)
    wav = tmp_path / "someone-else.wav"
    sf.write(wav, _utt(real_speech, OTHER_SAYS), SAMPLE_RATE)
    cid = store.grant_consent("jsmith")
    with pytest.raises(NoSpeech, match="another voice at 00:00-00:1.* Nothing was kept"):
        process_dictation(wav, "jsmith", cid, "2026-03-09", store=store)
    assert store.list_notes() == [] and store.counts()["recordings"] == 0
    assert list(paths.audio_dir().iterdir()) == []
    assert [a["action"] for a in store.audit()][-1] == "recording.discard"

