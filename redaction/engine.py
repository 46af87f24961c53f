"""``redact``: run every recogniser, keep the best of overlapping detections, render placeholders,
then look again at the redacted text until nothing new turns up, so redacting twice changes
nothing more.

``existing`` (placeholder -> original value(s)) redacts text typed into a note that already has
placeholders: the note's values keep their placeholders wherever they appear, and a new value gets
the next number after the note's, so the text stays consistent with the rest of the note."""
from __future__ import annotations

import bisect
import functools
from typing import Iterable, Mapping
from pathlib import Path

from redaction.allow_list import default_allow_list
from redaction.analysis import Analysis, is_common_word
from redaction.model import CaseIdentifiers, Entity, RedactionResult
from redaction.placeholders import apply_entities, parse_placeholder, placeholder_key
from redaction.recognisers import KnownRecogniser, PatternRecogniser, default_recognisers
from redaction.recognisers.known import NOTE_KEY, NoteValuesRecogniser

__all__ = ["redact", "detect", "classify", "THRESHOLD", "MAX_PASSES"]

THRESHOLD = 0.5     # detections scoring below this are left in the text
MAX_PASSES = 4      # first pass + re-checks of the redacted text


@functools.lru_cache(maxsize=1)
def _recognisers():
    return tuple(default_recognisers())


def classify(dense: str) -> str | None:
    """The type whose pattern matches all of ``dense`` (canonical letters and digits), if any."""
    for r in _recognisers():
        if isinstance(r, PatternRecogniser):
            for rx, _ in r._compiled:
                if rx.fullmatch(dense) and r.validate(dense) is not False:
                    return r.type
    return None


def _resolve(cands: list[Entity], fixed: list[Entity] = ()) -> list[Entity]:
    """Non-overlapping choice: known identifiers first, then higher score, then longer span."""
    chosen_starts: list[int] = []
    chosen: list[Entity] = []

    def free(s: int, e: int) -> bool:
        i = bisect.bisect_left(chosen_starts, e)
        return i == 0 or chosen[i - 1].end <= s

    def add(ent: Entity) -> None:
        i = bisect.bisect_left(chosen_starts, ent.start)
        chosen_starts.insert(i, ent.start)
        chosen.insert(i, ent)

    for e in fixed:
        add(e)
    order = sorted(cands, key=lambda e: (e.recogniser != "known", -e.score, -(e.end - e.start), e.start))
    for e in order:
        if e.score >= THRESHOLD and e.start < e.end and free(e.start, e.end):
            add(e)
    return chosen


def detect(a: Analysis, known: CaseIdentifiers | None = None,
           existing: Mapping[str, list[str]] | None = None, fixed: list[Entity] = ()) -> list[Entity]:
    cands: list[Entity] = []
    if existing:
        cands += NoteValuesRecogniser(dict(existing)).find(a)
    if known is not None:
        cands += KnownRecogniser(known).find(a)
    for r in _recognisers():
        cands += r.find(a)
    # never touch a placeholder already in the text, nor a fixed entity
    ph = sorted(a.placeholders + [(e.start, e.end) for e in fixed])
    if ph:
        starts = [s for s, _ in ph]
        keep = []
        for e in cands:
            i = bisect.bisect_left(starts, e.end)
            if i and ph[i - 1][1] > e.start:
                continue
            keep.append(e)
        cands = keep
    # trim surrounding spaces and punctuation so spans are exactly the value
    out = []
    for e in cands:
        s, t = e.start, e.end
        while s < t and not a.text[s].isalnum():
            s += 1
        while t > s and not a.text[t - 1].isalnum():
            t -= 1
        if s < t:
            out.append(Entity(e.type, s, t, a.text[s:t], "", e.recogniser, e.score, e.key))
    return _repeats(a, _resolve(out, fixed))


def _repeats(a: Analysis, ents: list[Entity]) -> list[Entity]:
    """Every verbatim repeat of a detected value is redacted too (a value is personal data
    wherever it stands), with the same type and placeholder key. One pass over the tokens."""
    if not ents:
        return ents
    values: dict[str, list[Entity]] = {}
    for e in ents:
        if e.type == "PERSON" and e.text.islower() and is_common_word(e.text):
            continue   # "hope" the name beside "I hope": the person recogniser already chose each mention
        first = e.text.split(None, 1)[0] if e.text.split() else e.text
        values.setdefault(first[:3].lower(), []).append(e)
    taken = [(e.start, e.end) for e in ents] + list(a.placeholders)
    taken.sort()
    starts = [s for s, _ in taken]
    text, extra = a.text, []
    for t in a.tokens:
        for e in values.get(t.raw[:3].lower(), ()):
            end = t.start + len(e.text)
            if text.startswith(e.text, t.start) and (end == len(text) or not text[end].isalnum()) \
                    and (t.start == 0 or not text[t.start - 1].isalnum()):
                i = bisect.bisect_left(starts, end)
                if i == 0 or taken[i - 1][1] <= t.start:
                    extra.append(Entity(e.type, t.start, end, e.text, "", e.recogniser, e.score, e.key))
                    taken.insert(i, (t.start, end))
                    starts.insert(i, t.start)
                break
    return sorted(ents + extra, key=lambda e: e.start) if extra else ents


def _existing_values(existing) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ph, v in (existing or {}).items():
        if parse_placeholder(ph):
            vals = [v] if isinstance(v, str) else list(v or [])
            out[ph] = [x for x in vals if isinstance(x, str) and x.strip()]
    return out


def _note_placeholders(ents: list[Entity], existing: dict[str, list[str]]) -> list[Entity]:
    """Give each entity the note's placeholder for its value: found as a note value, the same letters
    and digits, or (for a person) a part of a name the note holds ("Daniel" of "Daniel Price")."""
    if not existing:
        return ents
    by_key, names = {}, []
    for ph, values in existing.items():
        typ = parse_placeholder(ph)[0]
        for v in values:
            by_key.setdefault(placeholder_key(typ, v), ph)
            if typ == "PERSON":
                names.append((set(v.lower().split()), ph))
    out = []
    for e in ents:
        if e.placeholder:   # given by the caller (kept in a correction): never renumbered
            out.append(e)
            continue
        ph = e.key[len(NOTE_KEY):] if e.key.startswith(NOTE_KEY) else by_key.get(placeholder_key(e.type, e.text))
        if not ph and e.type == "PERSON":
            words = set(e.text.lower().split())
            ph = next((p for ws, p in names if words and words <= ws), None)
        if ph:
            e = Entity(parse_placeholder(ph)[0], e.start, e.end, e.text, ph, e.recogniser, e.score, NOTE_KEY + ph)
        out.append(e)
    return out


def redact(text: str, known: CaseIdentifiers | None = None, allow_list: Iterable[str] | None = None,
           existing: Mapping[str, str | list[str]] | None = None, keep: Iterable[Entity] = (),
           ner_cache: dict | None = None, allow_list_file: Path | None = None) -> RedactionResult:
    """Redact personal data in ``text``: entities carry offsets into ``text`` and the original values.

    ``existing``: the placeholders a note already uses and the value(s) each stands for; those values
    keep their placeholders and new ones are numbered after them. ``keep``: entities (with their
    placeholders) that stay exactly as given, such as the placeholders an officer kept in a correction.
    ``ner_cache``: spaCy's entities per chunk of text (``analysis.ner_entities``), kept by a caller
    that redacts a growing text (live dictation) so that only new chunks are parsed; the result is
    the same with or without it.
    ``allow_list_file``: the officer's own terms file (the caller knows where Casenote keeps it).
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() needs text (str), not {type(text).__name__}")
    allow = default_allow_list(tuple(allow_list) if allow_list else None, allow_list_file)
    note = _existing_values(existing)
    ner_cache = {} if ner_cache is None else ner_cache

    def render(ents):
        return apply_entities(text, _note_placeholders(ents, note), reserved=note)

    keep = sorted(keep, key=lambda e: e.start)
    entities = detect(Analysis(text, allow, ner_cache), known, note, keep)
    result = render(entities)
    for _ in range(MAX_PASSES - 1):
        if not entities:
            break
        again = detect(Analysis(result.text, allow, ner_cache), known, note)
        if not again:
            break
        mapped = []
        for e in again:
            s, t = result.to_original(e.start), result.to_original(e.end)
            if s < t:
                mapped.append(Entity(e.type, s, t, text[s:t], "", e.recogniser, e.score, e.key))
        entities = _resolve(mapped, result.entities)
        result = render(entities)
    return result
