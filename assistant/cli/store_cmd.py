"""``casenote consent``, ``process``, ``resume``, ``notes`` and ``retention``: the store from the shell."""
from __future__ import annotations

import functools
import sys

import click

from assistant.cli.base import BadInput, cli, emit, handle_errors

__all__ = ["consent_group", "process_cmd", "resume_cmd", "notes_group", "retention_group", "passphrase_group"]


def _refusals(fn):
    """Store refusals (no consent, unknown id, bad value) and speaker-check input errors exit 2."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from assistant.speaker import SpeakerError
        from assistant.store import StoreError

        try:
            return fn(*args, **kwargs)
        except (StoreError, SpeakerError) as e:
            raise BadInput(str(e)) from None
    return handle_errors(wrapper)


def _warn(messages) -> None:
    for m in messages:
        click.echo(f"casenote: warning: {m}", err=True)


@cli.group("consent")
def consent_group():
    """Record, revoke and list the officer's consent to capture a post-session dictation.

    \b
    Examples:
      casenote consent grant --officer jsmith --json
      casenote consent grant --officer jsmith --retention keep_days:30
      casenote consent list --json
      casenote consent revoke 3f2a9c...
    """


@consent_group.command("grant")
@click.option("--officer", required=True, help="The officer's sign-in name.")
@click.option("--retention", default="delete_on_approval", show_default=True,
              help="When the audio goes: delete_on_approval, or keep_days:N.")
@click.option("--json", "as_json", is_flag=True, help="Print {\"consent_id\": ...}.")
@_refusals
def consent_grant(officer, retention, as_json):
    """Grant consent for one officer's post-session dictation.

    Granting attests that the session has ended and the person on probation is not present:
    Casenote captures the officer's own summary afterwards, never the session itself.

    \b
    Examples:
      casenote consent grant --officer jsmith --json
      casenote consent grant --officer jsmith --retention keep_days:7
    """
    from assistant.store import Store

    s = Store()
    # Once the review screen has accounts, an officer id is an officer's sign-in name: a typo here
    # would otherwise file dictations under nobody who can review them.
    if s.db["users"].count and (s.get_user(officer) or {}).get("role") != "officer":
        raise BadInput(f"{officer!r} is not an officer account; add it with: casenote users add {officer} "
                       "--role officer")
    cid = s.grant_consent(officer, retention=retention, attested=True)
    emit({"consent_id": cid}, as_json,
         f"consent {cid} granted for {officer} (retention: {retention}); the officer attests the session has "
         "ended and the person on probation is not present")


@consent_group.command("revoke")
@click.argument("consent_id")
@click.option("--by", default=None, help="Who revokes (default: the consent's officer).")
@click.option("--json", "as_json", is_flag=True)
@_refusals
def consent_revoke(consent_id, by, as_json):
    """Revoke a consent and erase its audio and everything derived from it.

    \b
    Examples:
      casenote consent revoke 3f2a9c41d0e84b7f9a6c2d1e5b8f7a60
    """
    from assistant.store import Store

    s = Store()
    by = by or s.get_consent(consent_id)["officer"]
    counts = s.revoke_consent(consent_id, by)
    if not counts["wal_checkpointed"]:
        click.echo("casenote: warning: another Casenote process (such as the review screen) is reading the "
                   "database, so its write-ahead log could not be cleared; close it and run this revoke again "
                   "to finish the erasure", err=True)
    emit({"consent_id": consent_id, "revoked": True, "erased": counts}, as_json,
         f"consent {consent_id} revoked; erased {counts['notes']} note(s), {counts['audio_files']} audio file(s)")


@consent_group.command("list")
@click.option("--officer", default=None, help="Only this officer's consents.")
@click.option("--json", "as_json", is_flag=True)
@_refusals
def consent_list(officer, as_json):
    """List consents (active and revoked).

    \b
    Examples:
      casenote consent list --json
      casenote consent list --officer jsmith
    """
    from assistant.store import Store

    rows = Store().list_consents(officer)
    emit(rows, as_json, "\n".join(
        f"{r['id']}  {r['officer']:<16} {'active ' if r['active'] else 'revoked'}  {r['retention']:<20} "
        f"granted {r['granted_at']}  recordings {r['recordings']}" for r in rows) or "no consents")


@cli.command("process")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
@click.option("--officer", required=True, help="The dictating officer's sign-in name.")
@click.option("--consent", "consent_id", required=True, help="An active consent id (casenote consent grant).")
@click.option("--date", "contact_date", default=None, help="Session date YYYY-MM-DD (default: today).")
@click.option("--max-minutes", default=15.0, show_default=True, type=click.FloatRange(0.1, 15),
              help="Refuse dictations longer than this; at most 15 (a dictation, never a whole interview).")
@click.option("--name", "names", multiple=True, metavar="NAME",
              help="A person of the case (repeatable): always redacted, also when Whisper mishears it.")
@click.option("--dob", "date_of_birth", default=None, metavar="DATE", help="The case's date of birth (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True,
              help="Print note_id, status, transcript, redaction, fields, speaker_check, timing.")
@_refusals
def process_cmd(audio, officer, consent_id, contact_date, max_minutes, names, date_of_birth, as_json):
    """Turn a dictation into a draft note awaiting review: speaker check, transcribe, redact, extract, store.

    Running it again on the same file (or `casenote resume`) finishes an interrupted run without
    making a second note. --name and --dob give the case's known people: they are redacted wherever
    they are said, in part ("Daniel"), possessive, or misheard next to a name cue ("Mr maybe" for Mabey).

    \b
    Examples:
      casenote consent grant --officer jsmith --json     # prints {"consent_id": "3f2a9c..."}
      casenote process dictation.wav --officer jsmith --consent 3f2a9c... --date 2026-03-09 --json
      casenote process dictation.wav --officer jsmith --consent 3f2a9c... --name "Daniel Price" --name "Sarah Mabey" --dob 1990-04-02
      casenote process dictation.wav --officer jsmith --consent 3f2a9c...   # again: same note, no duplicate
    """
    from assistant.pipeline import process_dictation

    r = process_dictation(audio, officer, consent_id, contact_date, max_duration_s=max_minutes * 60,
                          names=names, date_of_birth=date_of_birth)
    _warn(r.warnings)
    emit(r.to_dict(), as_json, f"note {r.note_id} stored ({r.status}){' after resuming' if r.resumed else ''}\n"
                               f"{r.transcript}")


@cli.command("resume")
@click.option("--json", "as_json", is_flag=True)
@_refusals
def resume_cmd(as_json):
    """Finish every dictation whose processing was interrupted (exit 1 if any could not be finished).

    \b
    Examples:
      casenote resume --json
    """
    from assistant.pipeline import resume_all

    done, problems = resume_all()
    for r in done:
        _warn(r.warnings)
    _warn(problems)
    emit({"completed": [{"note_id": r.note_id, "status": r.status, "recording_id": r.recording_id} for r in done],
          "problems": problems}, as_json,
         "\n".join(f"note {r.note_id} completed" for r in done) or "nothing to resume")
    if problems:
        sys.exit(1)


@cli.group("notes")
def notes_group():
    """List and show stored notes (redacted; originals stay sealed).

    \b
    Examples:
      casenote notes list --json
      casenote notes show 9b1de3... --json
    """


@notes_group.command("list")
@click.option("--officer", default=None)
@click.option("--json", "as_json", is_flag=True)
@_refusals
def notes_list(officer, as_json):
    """List notes: id, officer, status, created_at, contact_date.

    \b
    Examples:
      casenote notes list --json
    """
    from assistant.store import Store

    rows = Store().list_notes(officer=officer)
    emit(rows, as_json, "\n".join(f"{r['id']}  {r['officer']:<16} {r['status']:<15} {r['contact_date']}"
                                  for r in rows) or "no notes")


@notes_group.command("show")
@click.argument("note_id")
@click.option("--json", "as_json", is_flag=True)
@_refusals
def notes_show(note_id, as_json):
    """Show one note: redacted transcript, fields with evidence, reviews, speaker check.

    \b
    Examples:
      casenote notes show 9b1de3c07a2f4c51b8e6d0a4f3c2b1a9 --json
    """
    from assistant.store import Store

    note = Store().get_note(note_id)
    lines = [f"note {note['id']} ({note['status']}), officer {note['officer']}, contact {note['contact_date']}",
             note["transcript"], ""]
    lines += [f"{k}: {v['review']['value'] if v['review'] else v['value']}" for k, v in note["fields"].items()]
    emit(note, as_json, "\n".join(lines))


@cli.group("retention")
def retention_group():
    """Apply the retention policy to stored audio.

    \b
    Examples:
      casenote retention run --json
    """


@retention_group.command("run")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="Apply the policy as it will stand on this (future) date, e.g. before leave.")
@click.option("--dry-run", is_flag=True, help="List what is due without deleting anything.")
@click.option("--json", "as_json", is_flag=True)
@_refusals
def retention_run(as_of, dry_run, as_json):
    """Delete every audio file the policy says must go (approved notes; keep_days expired); each is logged.

    \b
    Examples:
      casenote retention run
      casenote retention run --dry-run --json
      casenote retention run --as-of 2026-12-24
    """
    import datetime as dt

    from assistant.store import Store

    now = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise BadInput(f"invalid --as-of {as_of!r}: give a date as YYYY-MM-DD") from None
        if day < dt.date.today():
            raise BadInput("--as-of must be today or later: retention never keeps audio longer than its policy")
        now = dt.datetime.combine(day, dt.time(23, 59, 59), dt.timezone.utc)
    s = Store()
    done = s.retention_due(now) if dry_run else s.run_retention(now)
    verb = "due" if dry_run else "deleted"
    emit({verb: done}, as_json,
         "\n".join(f"{verb}: audio of recording {d['recording_id']} ({d['reason']})" for d in done)
         or "no audio due for deletion")


@cli.group("passphrase")
def passphrase_group():
    """The passphrase that unlocks the encrypted store.

    \b
    Examples:
      casenote passphrase change
      printf '%s\n' 'a new long passphrase' | casenote passphrase change --new-stdin
    """


@passphrase_group.command("change")
@click.option("--new-stdin", is_flag=True, help="Read the new passphrase from the first line of standard input.")
@_refusals
def passphrase_change(new_stdin):
    """Change the store's passphrase: the keys are re-wrapped, no note or audio is rewritten.

    The current passphrase comes from CASENOTE_PASSPHRASE or is asked for; the new one is asked for
    twice (or read with --new-stdin). Other Casenote processes keep working until they restart.

    \b
    Examples:
      casenote passphrase change
      CASENOTE_PASSPHRASE='old one' casenote passphrase change --new-stdin < new-passphrase.txt
    """
    from assistant import paths
    from assistant.store import keys

    old = keys.get_passphrase()
    if new_stdin:
        new = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        new = click.prompt("New passphrase", hide_input=True, confirmation_prompt=True, err=True)
    else:
        raise BadInput("give the new passphrase with --new-stdin, or run this on a terminal to be asked")
    keys.change_passphrase(paths.database_path(), old, new)
    click.echo("passphrase changed; use the new one from now on (e.g. in CASENOTE_PASSPHRASE)")
