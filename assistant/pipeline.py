"""``process`` and ``resume``: a consented dictation becomes a pending note, surviving a kill at any point.

Stages: import (encrypt the audio into ``$CASENOTE_HOME/audio``) -> speaker check -> transcribe ->
redact -> extract -> store. Each stage's result is saved (sealed with the note key) before the
next starts, and the recording is identified by its audio's SHA-256 under its consent, so running
``process`` again on the same file, or ``resume``, carries on from the last finished stage and the
final write (one transaction) happens once: never a duplicate, never half a note.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.audio import SAMPLE_RATE, AudioError, load_audio
from assistant.paths import allow_list_path
from assistant.store import Store, StoreError, validate_officer_id
from assistant.store.faults import fault_point
from assistant.store.streams import is_stream
from assistant.store.validate import contact_date as validate_contact_date

__all__ = ["MAX_DICTATION_S", "ProcessResult", "NoSpeech", "process_dictation", "resume_all", "file_sha256",
           "warm_text_models", "apply_removed", "has_speech", "complete_recording"]

# A post-session dictation, not a whole interview: longer recordings are refused. This is a privacy
# control, so callers may lower it but never raise it (process_dictation clamps to it).
MAX_DICTATION_S = 15 * 60


class NoSpeech(AudioError):
    """The recording holds no speech (or none in the officer's voice). Nothing is kept."""


@dataclass
class ProcessResult:
    note_id: str
    status: str
    recording_id: str
    transcript: str                  # redacted text
    redaction: dict                  # {"text", "entities": [{type,start,end,r_start,r_end,placeholder,...}]}, no originals
    fields: dict
    speaker_check: dict
    timing: dict
    resumed: bool = False            # True when an earlier, interrupted run had done part of the work
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_SPEECH_PROBE_S = 30


def has_speech(samples: np.ndarray) -> bool:
    """Silero VAD (shipped with faster-whisper): is there any speech at all? Looked for 30 s at a time
    and stopped at the first speech, so a dictation is not run through the VAD twice in full
    (transcription runs it again)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    step = _SPEECH_PROBE_S * SAMPLE_RATE
    return any(get_speech_timestamps(samples[i:i + step], VadOptions()) for i in range(0, len(samples), step))


def known_identifiers(names=(), date_of_birth: str | None = None):
    """The case's known people (``--name``, repeatable) and date of birth (``--dob``) for redaction;
    None when none were given. A date of birth that is not a date is refused (InvalidValue)."""
    from redaction import CaseIdentifiers
    from redaction.recognisers.known import parse_date_of_birth

    from assistant.store import InvalidValue

    names = [n.strip() for n in names or () if n and n.strip()]
    if any(len(n) > 200 for n in names):
        raise InvalidValue("a known name is over 200 characters")
    if date_of_birth:
        try:
            parse_date_of_birth(date_of_birth)
        except ValueError as e:
            raise InvalidValue(f"invalid --dob: {e}") from None
    if not names and not date_of_birth:
        return None
    return CaseIdentifiers(names=names, date_of_birth=date_of_birth or None)


def process_dictation(audio: str | os.PathLike, officer: str, consent_id: str,
                      contact_date: str | dt.date | None = None, store: Store | None = None,
                      max_duration_s: float = MAX_DICTATION_S, names=(), date_of_birth: str | None = None
                      ) -> ProcessResult:
    """Check consent and input, import the audio, run every stage still to do, return the stored note.

    ``names``/``date_of_birth``: the case's known people, always redacted (mishearings too).
    Everything that can be refused is checked before anything is written, so a refusal
    (no consent, bad audio, silence, bad date) leaves the store exactly as it was.
    """
    store = store or Store()
    max_duration_s = min(max_duration_s, MAX_DICTATION_S)
    validate_officer_id(officer)
    date = validate_contact_date(contact_date)
    known = known_identifiers(names, date_of_birth)
    store.active_consent(consent_id, officer)
    src = Path(audio)
    samples = load_audio(src, max_duration_s=max_duration_s)
    sha = file_sha256(src)
    rec = store.find_recording(consent_id, sha)
    if rec is None:
        if not has_speech(samples):
            raise NoSpeech(f"{src}: no speech was found in the recording (silence or noise only); nothing was kept.")
        rec = store.add_recording(consent_id, officer, sha, src.suffix, len(samples) / SAMPLE_RATE, date)
        resumed = False
    else:
        resumed = True
    if rec["stage"] == "importing":
        _import_audio(store, rec, src, sha)
    if known is not None and rec["stage"] != "done" and store.stage_result(rec["id"], "known") is None:
        store.save_known(rec["id"], known)
    return _run_stages(store, store.get_recording(rec["id"]), resumed=resumed, max_duration_s=max_duration_s,
                       samples=samples)


def resume_all(store: Store | None = None, max_duration_s: float = MAX_DICTATION_S) -> tuple[list[ProcessResult], list[str]]:
    """Finish every interrupted recording; returns the notes completed and problems to report."""
    store = store or Store()
    done, problems = [], []
    for rec in store.unfinished_recordings():
        if is_stream(rec):   # a live dictation cut off (tab closed, connection dropped, server killed)
            problem = _close_stream(store, rec)
            if problem:
                problems.append(problem)
                continue
            try:
                rec = store.get_recording(rec["id"])
            except StoreError:
                continue      # discarded: it held no audio at all
        if rec["stage"] == "importing" and not store.audio_intact(rec["id"], rec["sha256"]):
            problems.append(f"recording {rec['id']} was interrupted while its audio was being copied; run "
                            f"casenote process AUDIO --officer {rec['officer']} --consent {rec['consent_id']} "
                            "again with the same file to finish it")
            continue
        if rec["stage"] == "importing":
            store.set_stage(rec["id"], "imported")
        try:
            done.append(_run_stages(store, store.get_recording(rec["id"]), resumed=True, max_duration_s=max_duration_s))
        except (AudioError, StoreError) as e:
            problems.append(f"recording {rec['id']}: {e}")
    return done, problems


# A live recording written to this recently may still be receiving audio from a running server.
_LIVE_CAPTURE_S = 20


def _close_stream(store: Store, rec: dict) -> str | None:
    """Close an interrupted live recording into a WAV so the batch stages can finish it; or say why not."""
    part = store.stream_audio_path(rec["id"])
    if part.is_file() and time.time() - part.stat().st_mtime < _LIVE_CAPTURE_S:
        return (f"recording {rec['id']} is still being captured (audio arrived in the last {_LIVE_CAPTURE_S} s); "
                "run casenote resume again once the dictation has stopped")
    if not part.is_file() or part.stat().st_size < 2:
        store.discard_recording(rec["id"], reason="live dictation interrupted before any audio arrived")
        return None
    store.finish_stream_recording(rec["id"])
    return None


def complete_recording(store: Store, rec: dict, max_duration_s: float = MAX_DICTATION_S,
                       ner_cache: dict | None = None) -> ProcessResult:
    """Run every stage still to do for a registered recording (stages already saved are kept: the
    streaming engine saves its speaker check and transcript, then calls this, with the spaCy
    entities of the text it already redacted ahead while the officer spoke: ``redact(ner_cache=)``)."""
    return _run_stages(store, store.get_recording(rec["id"]), resumed=False, max_duration_s=max_duration_s,
                       ner_cache=ner_cache)


def _import_audio(store: Store, rec: dict, src: Path, sha: str) -> None:
    """Encrypt the audio into the store (whole or not at all; see ``Store.import_audio``)."""
    try:
        store.import_audio(rec["id"], src, sha)
    except StoreError as e:
        raise AudioError(str(e)) from None
    fault_point("after_import")


def _decode_stored(store: Store, rid: str, max_duration_s: float) -> np.ndarray:
    """Decode the stored (encrypted) copy in memory: no clear copy is written for it."""
    from faster_whisper import decode_audio

    samples = decode_audio(io.BytesIO(store.recording_audio_bytes(rid)), sampling_rate=SAMPLE_RATE)
    if len(samples) / SAMPLE_RATE > max_duration_s:
        raise AudioError(f"the stored dictation is over the {max_duration_s / 60:.0f} min limit")
    return samples.astype(np.float32, copy=False)


def warm_text_models(contact_date: dt.date | None = None) -> None:
    """Load what redaction and extraction need (the one spaCy pipeline, the allow-list, lexicons and
    matchers) by running both once on a short text. The streaming engine does this when a dictation
    starts, so Stop finds them ready; ``process`` while it imports and transcribes the audio."""
    from assistant.extraction import extract
    from redaction import redact

    extract(redact("Warm up. Seen at the office today.").text, contact_date or dt.date.today())


def _warm_text_models_beside(contact_date: str | None) -> None:
    """Load the text models in a thread while the audio is transcribed (once the speaker check has
    kept some of the recording: one that is all another voice loads nothing). Whisper's model load and decoding
    leave part of a core idle, and spaCy's load (1-2 s) otherwise came after the decoding, on the
    officer's time: 149 s dictation, 1.41x -> 1.2x plain faster-whisper
    (benchmarks/process_bench.py). It once cost more than it saved: while spaCy still pulled in torch
    (models/imports.py), memory rose to ~670 MB and the decoding slowed by more than the load took.
    The thread only loads; a failure here surfaces in the redaction stage, where it is reported."""
    import threading

    day = dt.date.fromisoformat(contact_date) if contact_date else None

    def warm():
        try:
            warm_text_models(day)
        except Exception:     # noqa: BLE001 - the stage itself runs (and reports) the same code again
            pass

    thread = threading.Thread(target=warm, name="casenote-warm-text-models", daemon=True)
    _warming.append(thread)
    thread.start()


# Threads loading the text models; the text stages wait for them (they need the models anyway),
# so no warm-up is left running once a note is stored.
_warming: list = []


def _wait_for_warm_models() -> None:
    while _warming:
        _warming.pop().join()


def _speaker_stage(store: Store, rec: dict, samples: np.ndarray):
    """(masked samples, SpeakerCheck, its dict): judged once and saved, or re-applied from the saved report."""
    from assistant.speaker import SpeakerCheck, check_speaker

    check_d = store.stage_result(rec["id"], "speaker_checked")
    if check_d is None:
        masked, check = check_speaker(samples, store.get_voiceprint(rec["officer"]))
        check_d = check.to_dict()
        store.save_stage_result(rec["id"], "speaker_checked", check_d)
        return masked, check, check_d
    check = SpeakerCheck.from_dict(check_d)   # re-apply the saved decision rather than judging again
    return apply_removed(samples, check.removed), check, check_d


def apply_removed(samples: np.ndarray, removed) -> np.ndarray:
    """``samples`` with the stretches the speaker check removed replaced by silence."""
    masked = samples.copy()
    for a, b in removed:
        masked[int(a * SAMPLE_RATE):int(np.ceil(b * SAMPLE_RATE))] = 0.0
    return masked


def _audio_stages(store: Store, rec: dict, max_duration_s: float, samples: np.ndarray | None,
                  timing: dict) -> tuple[dict, dict]:
    """Speaker check then transcription, each skipped when its result is saved already (a resumed
    run, or a streamed dictation whose engine saved both). Returns (speaker check dict, transcript dict)."""
    from assistant.speaker import SpeakerCheck
    from assistant.transcribe import transcribe

    rid = rec["id"]
    check_d, tr_d = store.stage_result(rid, "speaker_checked"), store.stage_result(rid, "transcribed")
    if check_d is not None and tr_d is not None:
        return check_d, tr_d
    if samples is None:   # resuming: decode the stored copy (the same bytes, checked by SHA-256 on import)
        samples = _decode_stored(store, rid, max_duration_s)
    t0 = time.perf_counter()
    masked, check, check_d = _speaker_stage(store, rec, samples)
    timing["speaker_check_s"] = round(time.perf_counter() - t0, 3)
    fault_point("after_speaker_check")
    t0 = time.perf_counter()
    if tr_d is None:
        fault_point("transcribe")   # with ":SECONDS", dies in the middle of transcription
        if check.kept:             # something of the officer's voice is left to transcribe
            _warm_text_models_beside(rec["contact_date"])
        tr_d = transcribe(masked).to_dict()
        store.save_stage_result(rid, "transcribed", tr_d)
    timing["transcribe_s"] = round(time.perf_counter() - t0, 3)
    fault_point("after_transcribe")
    return check_d, tr_d


def _run_stages(store: Store, rec: dict, resumed: bool, max_duration_s: float,
                samples: np.ndarray | None = None, ner_cache: dict | None = None) -> ProcessResult:
    from assistant.speaker import SpeakerCheck
    from assistant.transcribe import Transcript

    rid = rec["id"]
    existing = store.note_for_recording(rid)
    if existing:
        return _result(store, existing, rid, resumed=True)
    timing: dict[str, float] = {}
    check_d, tr_d = _audio_stages(store, rec, max_duration_s, samples, timing)
    transcript = Transcript.from_dict(tr_d)
    if not transcript.text.strip():
        check = SpeakerCheck.from_dict(check_d)
        gone = "; ".join(check.messages()) if check.removed else "no words were recognised"
        store.discard_recording(rid, reason="no speech")
        _wait_for_warm_models()   # none left running after the call, whatever its outcome
        raise NoSpeech(f"no dictation to process: {gone}. Nothing was kept.")
    red_d, ext_d = _text_stages(store, rec, transcript, timing, ner_cache)
    t0 = time.perf_counter()
    note = _note_payload(rec, transcript, tr_d, red_d, ext_d, check_d, timing)
    note_id = store.complete_note(rid, note)
    timing["store_s"] = round(time.perf_counter() - t0, 3)
    timing["total_s"] = round(sum(timing.values()), 3)
    return _result(store, note_id, rid, resumed=resumed, timing=timing)


def _text_stages(store: Store, rec: dict, transcript, timing: dict, ner_cache: dict | None = None) -> tuple[dict, dict]:
    """Redaction then extraction of the transcript, each saved before the next starts."""
    rid = rec["id"]
    t0 = time.perf_counter()
    _wait_for_warm_models()
    red_d = store.stage_result(rid, "redacted")
    if red_d is None:
        from redaction import redact
        red_d = redact(transcript.text, known=store.known_identifiers(rid), ner_cache=ner_cache,
                       allow_list_file=allow_list_path()).to_dict()
        store.save_stage_result(rid, "redacted", red_d)
    timing["redact_s"] = round(time.perf_counter() - t0, 3)
    fault_point("after_redact")

    t0 = time.perf_counter()
    ext_d = store.stage_result(rid, "extracted")
    if ext_d is None:
        from assistant.extraction import extract
        ext_d = extract(red_d["text"], dt.date.fromisoformat(rec["contact_date"])).to_dict()
        store.save_stage_result(rid, "extracted", ext_d)
    timing["extract_s"] = round(time.perf_counter() - t0, 3)
    fault_point("after_extract")
    return red_d, ext_d


def _note_payload(rec, transcript, tr_d, red_d, ext_d, check_d, timing) -> dict:
    """The note as the store keeps it: redacted text, words and evidence with audio times."""
    from redaction.placeholders import OffsetMap, redacted_words, render_dicts

    ents = [{k: e[k] for k in ("type", "start", "end", "placeholder", "recogniser", "score") if k in e}
            for e in red_d["entities"]]
    text, ents = render_dicts(transcript.text, ents)   # the one renderer: the same text redact() gave
    words = redacted_words([asdict(w) for w in transcript.words], ents, text)
    fields, offsets = {}, OffsetMap(ents)
    for name, f in ext_d["fields"].items():
        evidence = []
        for ev in f.get("evidence", []):
            span = transcript.time_of_span(offsets.to_original(ev["start"]), offsets.to_original(ev["end"], at_end=True))
            evidence.append({**ev, "t0": span[0] if span else None, "t1": span[1] if span else None})
        fields[name] = {"value": f.get("value"), "evidence": evidence, "reason": f.get("reason")}
    return {"contact_date": rec["contact_date"], "transcript": tr_d, "redacted_text": text, "words": words,
            "entities": ents, "originals": _originals(transcript.text, ents),
            "fields": fields, "crissa": ext_d.get("crissa", {}), "speaker_check": check_d,
            "timing": {**timing, "audio_s": transcript.duration_s}}


def _originals(text: str, ents: list[dict]) -> dict[str, str]:
    """placeholder -> the value it stands for; when one placeholder covers several spellings
    ("John Smith", later "Smith"), the fullest one."""
    out: dict[str, str] = {}
    for e in ents:
        value = text[e["start"]:e["end"]]
        if len(value) > len(out.get(e["placeholder"], "")):
            out[e["placeholder"]] = value
    return out


def _result(store: Store, note_id: str, rid: str, resumed: bool, timing: dict | None = None) -> ProcessResult:
    note = store.get_note(note_id)
    # start/end index the unredacted transcript (never printed); r_start/r_end index ``transcript``.
    public_entities = [{k: e[k] for k in ("type", "start", "end", "r_start", "r_end", "placeholder", "recogniser",
                                          "score") if k in e} for e in note["entities"]]
    warnings = list(note["speaker_check"].get("messages", []))
    return ProcessResult(note_id=note_id, status=note["status"], recording_id=rid, transcript=note["transcript"],
                         redaction={"text": note["transcript"], "entities": public_entities},
                         fields={k: {kk: v[kk] for kk in ("value", "evidence", "reason")}
                                 for k, v in note["fields"].items()},
                         speaker_check=note["speaker_check"], timing=timing or note["timing"], resumed=resumed,
                         warnings=warnings)
