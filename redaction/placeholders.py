"""The one home of placeholders: their pattern, their numbering, the one renderer and the offset
maps between a text and its rendering.

Everything that writes or reads a placeholder (the engine, the store, the review screen, the
extraction's masking, the edit statistics) uses this module, so "the same value" and "the next
number" mean one thing everywhere:

- a placeholder is ``[TYPE_N]`` with TYPE one of ``TYPES`` and N counted from 1 per type;
- two entities stand for the same value when their keys are equal, or when their letters and
  digits are equal case-folded ("07700 900461" == "07700900461");
- a value never seen before gets the next number above every number already used for its type.

Entities may be ``Entity`` objects or the dicts the store keeps (``type``, ``start``, ``end``,
``placeholder``); offsets into the input are ``start``/``end``, into the rendering ``r_start``/``r_end``.
"""
from __future__ import annotations

import bisect
import re
from typing import Iterable, Mapping, Sequence

__all__ = ["TYPES", "PLACEHOLDER_RE", "placeholder_pattern", "format_placeholder", "parse_placeholder", "placeholder_key",
           "apply_entities", "render_dicts", "rendered_spans", "OffsetMap", "to_original", "to_redacted", "remap_span", "redacted_words",
           "highest_numbers"]

TYPES = ("PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE", "EMAIL", "NI_NUMBER", "NHS_NUMBER",
         "CASE_REF", "PRISON_NUMBER", "PNC_ID", "VEHICLE_REG", "BANK")

# The placeholder pattern (the only one in the code): group 1 is the type, group 2 the number.
_PATTERN = r"\[(%s)_(\d+)\]"
PLACEHOLDER_RE = re.compile(_PATTERN % "|".join(TYPES))


def placeholder_pattern(*types: str) -> str:
    r"""The placeholder pattern's source, for ``types`` only (all types when none is given), to be
    embedded in a larger pattern: ``placeholder_pattern("PERSON") + r"\s*,\s*$"``."""
    unknown = set(types) - set(TYPES)
    if unknown:
        raise ValueError(f"not placeholder types: {sorted(unknown)}")
    # Non-capturing, so a caller's own groups (and re.split / re.findall) are not disturbed.
    return _PATTERN.replace("(", "(?:") % "|".join(types or TYPES)


def format_placeholder(type_: str, number: int) -> str:
    return f"[{type_}_{number}]"


def parse_placeholder(text: str) -> tuple[str, int] | None:
    """``"[PERSON_2]"`` -> ``("PERSON", 2)``; None for anything that is not exactly a placeholder."""
    m = PLACEHOLDER_RE.fullmatch(text or "")
    return (m.group(1), int(m.group(2))) if m else None


def placeholder_key(type_: str, value: str) -> str:
    """Default sameness: letters and digits only, case-folded ("07700 900461" == "07700900461")."""
    return type_ + ":" + "".join(ch for ch in value.casefold() if ch.isalnum())


def highest_numbers(placeholders: Iterable[str]) -> dict[str, int]:
    """type -> the highest number used among ``placeholders`` (anything else is ignored)."""
    top: dict[str, int] = {}
    for ph in placeholders:
        p = parse_placeholder(ph)
        if p:
            top[p[0]] = max(top.get(p[0], 0), p[1])
    return top


def _get(e, k, default=None):
    return e.get(k, default) if isinstance(e, Mapping) else getattr(e, k, default)


def apply_entities(text: str, entities: Sequence, reserved: Iterable[str] = ()):
    """The renderer: replace each entity's span in ``text`` by its placeholder -> ``RedactionResult``.

    Entities must lie inside the text and must not overlap. A missing placeholder is assigned: the
    one already used for the same value and type, or the next number above every one in use for
    the type (``reserved`` adds placeholders used elsewhere in the note, so numbers never repeat).
    """
    from redaction.model import Entity, RedactionResult

    ents = sorted(entities, key=lambda e: (_get(e, "start"), _get(e, "end")))
    prev_end = 0
    for e in ents:
        t, s, end = _get(e, "type"), _get(e, "start"), _get(e, "end")
        if t not in TYPES:
            raise ValueError(f"unknown entity type {t!r}; use one of {', '.join(TYPES)}")
        if not (isinstance(s, int) and isinstance(end, int) and 0 <= s < end <= len(text)):
            raise ValueError(f"entity {t} [{s}, {end}) is outside the text (length {len(text)})")
        if s < prev_end:
            raise ValueError(f"entity {t} [{s}, {end}) overlaps the one before it")
        prev_end = end
    given = [_get(e, "placeholder") or "" for e in ents]
    for ph in given:
        if ph and not parse_placeholder(ph):
            raise ValueError(f"invalid placeholder {ph!r}")
    used = highest_numbers(list(reserved) + given)
    same: dict[str, str] = {}
    for e, ph in zip(ents, given):   # the placeholders already given name their values
        if ph:
            for k in filter(None, (_get(e, "key"), placeholder_key(_get(e, "type"), text[_get(e, "start"):_get(e, "end")]))):
                same.setdefault(k, ph)
    out, pos, result = [], 0, []
    for e, ph in zip(ents, given):
        t, s, end = _get(e, "type"), _get(e, "start"), _get(e, "end")
        value = text[s:end]
        keys = [k for k in (_get(e, "key"), placeholder_key(t, value)) if k]
        ph = ph or next((same[k] for k in keys if k in same), "")
        if not ph:
            used[t] = used.get(t, 0) + 1
            ph = format_placeholder(t, used[t])
        for k in keys:
            same.setdefault(k, ph)
        out.append(text[pos:s])
        out.append(ph)
        pos = end
        result.append(Entity(t, s, end, value, ph, _get(e, "recogniser", "") or "",
                             round(float(_get(e, "score", 1.0) or 0.0), 3), keys[0]))
    out.append(text[pos:])
    return RedactionResult("".join(out), result)


def render_dicts(text: str, entities: Sequence, reserved: Iterable[str] = ()) -> tuple[str, list[dict]]:
    """``apply_entities`` for callers that keep entities as dicts (the store, the pipeline): the
    rendering and the entities with ``placeholder`` and ``r_start``/``r_end`` filled in; other keys
    of each input dict (``recogniser``, ``score``) are kept."""
    result = apply_entities(text, entities, reserved)
    given = {(_get(e, "start"), _get(e, "end")): e for e in entities}
    out = []
    for e, (_, _, rs, rt) in zip(result.entities, rendered_spans(result.entities)):
        extra = given.get((e.start, e.end))
        extra = dict(extra) if isinstance(extra, Mapping) else {}
        extra.pop("text", None)
        out.append({**extra, "type": e.type, "start": e.start, "end": e.end, "placeholder": e.placeholder,
                    "r_start": rs, "r_end": rt})
    return result.text, out


def rendered_spans(entities: Sequence) -> list[tuple[int, int, int, int]]:
    """(start, end, r_start, r_end) of each entity, sorted, from its offsets and placeholder length."""
    out, shift = [], 0
    for e in sorted(entities, key=lambda e: _get(e, "start")):
        s, t, ph = _get(e, "start"), _get(e, "end"), _get(e, "placeholder")
        out.append((s, t, s + shift, s + shift + len(ph)))
        shift += len(ph) - (t - s)
    return out


def _carry(offset: int, pairs, at_end: bool, starts: Sequence[int] | None = None) -> int:
    """Map ``offset`` through (from_start, from_end, to_start, to_end) spans, sorted and disjoint.
    ``starts`` (the spans' from_start, given when mapping many offsets through the same spans)
    saves building it again: the lookup is a bisection, so a long note's words map in n log n."""
    starts = [a for a, _, _, _ in pairs] if starts is None else starts
    k = bisect.bisect_left(starts, offset) - 1          # the last span starting before offset
    if k < 0:
        return offset
    a, b, c, d = pairs[k]
    if offset < b:
        return d if at_end else c
    return offset + d - b


class OffsetMap:
    """Both offset maps of one set of entities, built once: for mapping many offsets (a long
    note's evidence) without sorting the entities again for each one."""

    def __init__(self, entities: Sequence):
        self._forward = rendered_spans(entities)
        self._backward = [(rs, rt, s, t) for s, t, rs, rt in self._forward]
        self._starts = [s for s, _, _, _ in self._forward]
        self._r_starts = [rs for rs, _, _, _ in self._backward]

    def to_original(self, r_offset: int, at_end: bool = False) -> int:
        return _carry(r_offset, self._backward, at_end, self._r_starts)

    def to_redacted(self, offset: int, at_end: bool = False) -> int:
        return _carry(offset, self._forward, at_end, self._starts)


def to_original(r_offset: int, entities: Sequence, at_end: bool = False) -> int:
    """Offset in the rendering -> offset in the input. Inside a placeholder: the start of the value
    it replaced, or its end with ``at_end`` (for the end of a span)."""
    return OffsetMap(entities).to_original(r_offset, at_end)


def to_redacted(offset: int, entities: Sequence, at_end: bool = False) -> int:
    """Offset in the input -> offset in the rendering (inside a value: its placeholder's edge)."""
    return OffsetMap(entities).to_redacted(offset, at_end)


def remap_span(start: int, end: int, old: Sequence, new: Sequence) -> tuple[int, int]:
    """A span of the old rendering -> the same words in the new rendering of the same input."""
    o0, o1 = to_original(start, old), to_original(end, old, at_end=True)
    return to_redacted(o0, new), to_redacted(o1, new, at_end=True)


def redacted_words(words: list[dict], entities: Sequence, rendered: str) -> list[dict]:
    """Timed words (``char_start``/``char_end`` into the input) re-addressed to the rendering; the
    words inside a value become one placeholder word spanning their audio times. No original value
    survives in the result."""
    spans = rendered_spans(entities)
    starts = [s for s, _, _, _ in spans]
    out: list[dict] = []
    last_entity = None
    for w in sorted(words, key=lambda w: w["char_start"]):
        i = bisect.bisect_right(starts, w["char_start"]) - 1
        hit = None
        for j in (i, i + 1):
            if 0 <= j < len(spans) and w["char_start"] < spans[j][1] and w["char_end"] > spans[j][0]:
                hit = j
                break
        if hit is not None:
            s, t, rs, rt = spans[hit]
            if last_entity == hit and out:
                out[-1]["end"] = max(out[-1]["end"], w["end"])
                out[-1]["probability"] = min(out[-1]["probability"], w["probability"])
                continue
            out.append({"word": rendered[rs:rt], "start": w["start"], "end": w["end"],
                        "probability": w["probability"], "char_start": rs, "char_end": rt})
            last_entity = hit
            continue
        last_entity = None
        s, t = _carry(w["char_start"], spans, False, starts), _carry(w["char_end"], spans, True, starts)
        out.append({"word": rendered[s:t], "start": w["start"], "end": w["end"],
                    "probability": w["probability"], "char_start": s, "char_end": t})
    return out
