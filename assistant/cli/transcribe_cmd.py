"""``casenote transcribe`` and ``casenote models``."""
from __future__ import annotations

import click

from assistant.cli.base import cli, emit, handle_errors

__all__ = ["transcribe_command", "models_command"]


@cli.command("transcribe")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
@click.option("--model", "model", default=None, metavar="NAME|PATH",
              help="tiny.en (default), base, or a local CTranslate2 Whisper folder.")
@click.option("--beam", "beam_size", default=5, show_default=True, type=click.IntRange(1, 10),
              help="Beam size (1 = greedy).")
@click.option("--vocabulary", "vocabulary", default=None, type=click.Path(exists=True, dir_okay=False),
              help="File of domain terms to give Whisper as hotwords, one a line "
                   "(default: $CASENOTE_HOME/vocabulary.txt if present, else none).")
@click.option("--probation-terms", is_flag=True, help="Give Whisper the built-in probation terms as hotwords.")
@click.option("--no-vocabulary", is_flag=True, help="Give Whisper no domain terms, even if configured.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def transcribe_command(audio, model, beam_size, vocabulary, probation_terms, no_vocabulary, as_json):
    """Transcribe AUDIO (WAV, FLAC, MP3, OGG, M4A) on this device.

    With --json prints text, language, duration_s, model, segments (start, end,
    text, words with word, start, end, probability) and timing (load_s,
    transcribe_s).

    \b
    Examples:
      casenote transcribe dictation.wav
      casenote transcribe ../shared/data/real_speech/audio/jfk/jfk.flac --json
      casenote transcribe dictation.wav --model base --beam 1 --json
      casenote transcribe dictation.wav --probation-terms   # OASys, MAPPA, nDelius... as hotwords
    """
    from assistant.transcribe import TranscribeOptions, transcribe
    from assistant.vocabulary import DEFAULT_TERMS, load_terms

    if no_vocabulary:
        terms = ()
    elif probation_terms:
        terms = tuple(DEFAULT_TERMS) + tuple(load_terms(vocabulary) if vocabulary else ())
    else:
        terms = tuple(load_terms(vocabulary)) if vocabulary else None
    t = transcribe(audio, TranscribeOptions(model=model, beam_size=beam_size, vocabulary=terms))
    emit(t.to_dict(), as_json, t.text)


@cli.command("models")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@handle_errors
def models_command(as_json):
    """List the Whisper models available on this device (name, source, size, verified).

    The base model is assembled on first use from its two packages and checked by
    size and SHA-256.

    \b
    Examples:
      casenote models
      casenote models --json
    """
    from models import list_models

    ms = list_models()
    lines = [f"{m.name:8} {'verified' if m.verified else 'UNVERIFIED':10} "
             f"{(m.size_bytes or 0) / 1e6:7.1f} MB  {m.source}  {m.path or m.detail}" for m in ms]
    emit([m.to_dict() for m in ms], as_json, "\n".join(lines))
