"""``casenote enrol``: record the officer's voiceprint so dictations keep only the officer's voice."""
from __future__ import annotations

import click

from assistant.cli.base import BadInput, cli, emit, handle_errors

__all__ = ["enrol_command", "MAX_ENROL_S"]

# An enrolment passage takes well under a minute to read; anything much longer is the wrong file.
MAX_ENROL_S = 300.0


@cli.command("enrol")
@click.option("--officer", required=True, help="The officer's sign-in name.")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def enrol_command(officer, audio, as_json):
    """Enrol OFFICER's voice from AUDIO, a recording of the officer alone reading a short passage
    (at least 10 s of speech; 20-30 s is better).

    Only the voiceprint (256 numbers) is stored; the recording itself is not kept. Enrolling
    again replaces the old voiceprint. Later dictations by this officer are checked window by
    window, and any other voice is left out and reported.

    \b
    Examples:
      casenote enrol --officer jsmith enrolment.wav
      casenote enrol --officer jsmith enrolment.m4a --json
    """
    from assistant.audio import load_audio
    from assistant.speaker import MIN_ENROL_SPEECH_S, SpeakerError, enrolment
    from assistant.store import Store, StoreError, validate_officer_id

    try:
        validate_officer_id(officer)     # before the slow part: a typo should fail at once
        samples = load_audio(audio, max_duration_s=MAX_ENROL_S)
        voiceprint, info = enrolment(samples)
        Store().set_voiceprint(officer, voiceprint)
    except (SpeakerError, StoreError) as e:
        raise BadInput(str(e)) from None
    result = {"officer": officer, "enrolled": True, "speech_s": info["speech_s"], "windows": info["windows"],
              "min_speech_s": MIN_ENROL_SPEECH_S, "consistency": info["consistency"]}
    emit(result, as_json, f"Enrolled {officer}'s voice from {info['speech_s']:.1f} s of speech "
                          f"({info['windows']} windows). The recording was not stored.")
