"""Offsets between an original transcript and its redacted rendering.

Redaction replaces entity spans with placeholders, so every offset after an entity shifts. The
store needs both directions when a reviewer changes the redactions of a stored note: evidence,
words and CRISSA sentences (offsets into the old redacted text) are carried through the original
text into the new redacted text, so no review work is lost.
"""
from __future__ import annotations

import re

__all__ = ["render", "to_original", "to_redacted", "redacted_words", "remap_span"]

_TYPE_RE = re.compile(r"[A-Z][A-Z_]{1,30}")


def render(original: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Replace each entity span of ``original`` by its placeholder.

    ``entities``: dicts with ``type``, ``start``, ``end`` (offsets into ``original``) and optionally
    ``placeholder``; missing placeholders are numbered per type, the same value getting the same one.
    Returns the redacted text and the entities sorted, with ``r_start``/``r_end`` in that text.
    """
    ents = sorted((dict(e) for e in entities), key=lambda e: (e["start"], e["end"]))
    by_value: dict[tuple[str, str], str] = {}
    used: set[str] = {e["placeholder"] for e in ents if e.get("placeholder")}
    prev_end = 0
    for e in ents:
        if not (isinstance(e["start"], int) and isinstance(e["end"], int) and 0 <= e["start"] < e["end"] <= len(original)):
            raise ValueError(f"entity span {e['start']}-{e['end']} is outside the transcript")
        if e["start"] < prev_end:
            raise ValueError(f"entity spans overlap at {e['start']}")
        if not _TYPE_RE.fullmatch(str(e.get("type", ""))):
            raise ValueError(f"invalid entity type {e.get('type')!r}")
        prev_end = e["end"]
        value = (e["type"], original[e["start"]:e["end"]].casefold())
        if e.get("placeholder"):
            by_value.setdefault(value, e["placeholder"])
    for e in ents:
        if e.get("placeholder"):
            continue
        value = (e["type"], original[e["start"]:e["end"]].casefold())
        if value not in by_value:
            n = 1
            while f"[{e['type']}_{n}]" in used:
                n += 1
            by_value[value] = f"[{e['type']}_{n}]"
            used.add(by_value[value])
        e["placeholder"] = by_value[value]
    out, pos = [], 0
    length = 0
    for e in ents:
        out.append(original[pos:e["start"]])
        length += e["start"] - pos
        e["r_start"] = length
        out.append(e["placeholder"])
        length += len(e["placeholder"])
        e["r_end"] = length
        pos = e["end"]
    out.append(original[pos:])
    return "".join(out), ents


def to_original(r_offset: int, ents: list[dict]) -> int:
    """Offset in the redacted text -> offset in the original (inside a placeholder: the entity's edge)."""
    shift = 0
    for e in ents:
        if r_offset < e["r_start"]:
            break
        if r_offset < e["r_end"]:
            return e["start"] if r_offset == e["r_start"] else e["end"]
        shift = e["end"] - e["r_end"]
    return r_offset + shift


def to_redacted(offset: int, ents: list[dict], at_end: bool = False) -> int:
    """Offset in the original -> offset in the redacted text (inside an entity: its placeholder's edge)."""
    shift = 0
    for e in ents:
        if offset <= e["start"]:
            break
        if offset < e["end"]:
            return e["r_end"] if at_end else e["r_start"]
        shift = e["r_end"] - e["end"]
    return offset + shift


def remap_span(start: int, end: int, old: list[dict], new: list[dict]) -> tuple[int, int]:
    """A span of the old redacted text -> the same words in the new redacted text."""
    o0, o1 = to_original(start, old), to_original(end, old)
    return to_redacted(o0, new), to_redacted(o1, new, at_end=True)


def redacted_words(words: list[dict], ents: list[dict], redacted_text: str) -> list[dict]:
    """Whisper's words re-addressed to the redacted text; words inside an entity become one placeholder
    word spanning their audio times. No original value survives in the result."""
    out: list[dict] = []
    ent_i = 0
    for w in words:
        while ent_i < len(ents) and ents[ent_i]["end"] <= w["char_start"]:
            ent_i += 1
        e = ents[ent_i] if ent_i < len(ents) else None
        if e and w["char_start"] < e["end"] and w["char_end"] > e["start"]:
            if out and out[-1].get("_entity") is e:
                out[-1]["end"] = max(out[-1]["end"], w["end"])
                out[-1]["probability"] = min(out[-1]["probability"], w["probability"])
                continue
            out.append({"word": e["placeholder"], "start": w["start"], "end": w["end"],
                        "probability": w["probability"], "char_start": e["r_start"], "char_end": e["r_end"],
                        "_entity": e})
            continue
        s, t = to_redacted(w["char_start"], ents), to_redacted(w["char_end"], ents, at_end=True)
        out.append({"word": redacted_text[s:t], "start": w["start"], "end": w["end"],
                    "probability": w["probability"], "char_start": s, "char_end": t})
    for w in out:
        w.pop("_entity", None)
    return out
