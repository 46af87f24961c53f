"""The text of a note as the store keeps it, and the pure steps that change it.

A note's readable text is always the one renderer's output (``redaction.placeholders``) over a
sealed source text and its entities. Whisper's text is one such document; once the officer corrects
it, the corrected text (with its originals filled back in, sealed) is the note's current document.
Everything here is pure: the store loads, seals and writes.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from assistant.paths import allow_list_path
from redaction import CaseIdentifiers, Entity, redact
from redaction.placeholders import PLACEHOLDER_RE, render_dicts

__all__ = ["Doc", "render_doc", "parse_typed", "redact_text", "redact_value", "aligner", "note_values",
           "find_values", "merge_overlaps", "fill_placeholders"]


@dataclass
class Doc:
    source: str           # the text with every original value (sealed at rest)
    entities: list[dict]  # type, start, end (into source), placeholder, r_start, r_end (into text)
    text: str             # the rendering: what is shown, stored and exported


def render_doc(source: str, entities: list[dict], reserved=()) -> Doc:
    """Render ``source`` with ``entities`` (placeholders kept or assigned) into a ``Doc``."""
    text, ents = render_dicts(source, entities, reserved)
    return Doc(source, ents, text)


def note_values(doc: Doc, originals: dict) -> dict[str, list[str]]:
    """placeholder -> every value it stands for in the note (the sealed originals and the document)."""
    out: dict[str, list[str]] = {}
    for ph, v in originals.items():
        for x in (v if isinstance(v, list) else [v]):
            if isinstance(x, str) and x and x not in out.setdefault(ph, []):
                out[ph].append(x)
    for e in doc.entities:
        v = doc.source[e["start"]:e["end"]]
        if v not in out.setdefault(e["placeholder"], []):
            out[e["placeholder"]].append(v)
    return out


def parse_typed(typed: str, doc: Doc, values: dict[str, list[str]]) -> tuple[str, list[Entity]]:
    """An officer's typed text (placeholders kept as shown) -> (source text, fixed entities).

    The i-th ``[PERSON_1]`` typed takes the value of the i-th ``[PERSON_1]`` of the document, so a
    kept placeholder keeps its exact original; one typed more often takes the placeholder's fullest
    value. A placeholder the note does not have is refused (ValueError).
    """
    queue: dict[str, list[str]] = {}
    for e in doc.entities:
        queue.setdefault(e["placeholder"], []).append(doc.source[e["start"]:e["end"]])
    parts, fixed, pos, length = [], [], 0, 0
    for m in PLACEHOLDER_RE.finditer(typed):
        ph = m.group(0)
        pending = queue.get(ph) or []
        value = pending.pop(0) if pending else max(values.get(ph) or [""], key=len)
        if not value:
            raise ValueError(f"{ph} is not a placeholder of this note; keep the placeholders as shown")
        literal = typed[pos:m.start()]
        parts += [literal, value]
        length += len(literal)
        fixed.append(Entity(m.group(1), length, length + len(value), value, ph, "kept", 1.0))
        length += len(value)
        pos = m.end()
    parts.append(typed[pos:])
    return "".join(parts), fixed


def redact_text(source: str, values: dict[str, list[str]], known: CaseIdentifiers | None,
                released: list[str], fixed: list[Entity] = ()) -> Doc:
    """The choke point's redaction of one text: the note's values keep their placeholders, new
    identifiers get the next numbers, values the officer released stay."""
    result = redact(source, known=known, allow_list=released or None, existing=values, keep=fixed,
                    allow_list_file=allow_list_path())
    ents = [e for e in result.entities if not (e.text in released and e.recogniser != "kept")]
    return render_doc(source, [{"type": e.type, "start": e.start, "end": e.end, "placeholder": e.placeholder,
                                "recogniser": e.recogniser, "score": e.score} for e in ents], reserved=values)


def redact_value(value, redact_str):
    """Apply ``redact_str`` to every string inside a field value (str, list, dict)."""
    if isinstance(value, str):
        return redact_str(value)
    if isinstance(value, list):
        return [redact_value(v, redact_str) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v, redact_str) for k, v in value.items()}
    return value


def fill_placeholders(obj, values: dict[str, list[str]]):
    """Placeholders back to the fullest original value (full exports, for the note's officer)."""
    if isinstance(obj, str):
        return PLACEHOLDER_RE.sub(lambda m: max(values.get(m.group(0)) or [m.group(0)], key=len), obj)
    if isinstance(obj, list):
        return [fill_placeholders(x, values) for x in obj]
    if isinstance(obj, dict):
        return {k: fill_placeholders(v, values) for k, v in obj.items()}
    return obj


def aligner(old: str, new: str):
    """offset in ``old`` -> offset in ``new`` for the same character (difflib), for carrying evidence
    spans across an officer's correction; inside changed text, the edge of the change."""
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def at(offset: int, at_end: bool = False) -> int:
        for tag, i1, i2, j1, j2 in ops:
            if i1 <= offset < i2 or (offset == i2 and at_end):
                return j1 + (offset - i1) if tag == "equal" else (j2 if at_end else j1)
        return len(new)
    return at


def find_values(source: str, values: dict[str, str], taken: list[dict]) -> list[dict]:
    """Entities for every verbatim (case-insensitive, whole-word) occurrence of each value in
    ``source`` that does not overlap ``taken``."""
    spans = [(e["start"], e["end"]) for e in taken]
    out = []
    for ph, v in values.items():
        if not v.strip():
            continue
        for m in re.finditer(r"(?<!\w)%s(?!\w)" % re.escape(v), source, re.I):
            if not any(m.start() < t and m.end() > s for s, t in spans):
                out.append({"type": PLACEHOLDER_RE.fullmatch(ph).group(1), "start": m.start(), "end": m.end(),
                            "placeholder": ph, "recogniser": "reviewer", "score": 1.0})
                spans.append((m.start(), m.end()))
    return out


def merge_overlaps(entities: list[dict]) -> list[dict]:
    """A reviewer's added span that overlaps existing redactions absorbs them into one redaction of
    the added type (the union), instead of failing: nothing in the union stays readable."""
    ents = sorted(entities, key=lambda e: (e["start"], -e["end"]))
    out: list[dict] = []
    for e in ents:
        if out and e["start"] < out[-1]["end"]:
            prev = out[-1]
            added = next((x for x in (e, prev) if not x.get("placeholder")), None)
            merged = {k: v for k, v in added.items() if k != "placeholder"} if added else dict(prev)
            merged["start"], merged["end"] = prev["start"], max(prev["end"], e["end"])
            out[-1] = merged
        else:
            out.append(dict(e))
    return out
