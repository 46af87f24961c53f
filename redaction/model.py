"""The data of redaction: what was found (``Entity``), what the officer told us about the case
(``CaseIdentifiers``), and the redacted text with a way back to the input (``RedactionResult``).

``apply_entities`` renders a text from a list of entities. ``redact`` uses it, and so does the
review screen after a reviewer removes a false detection or adds a missed one, so placeholders stay
consistent however the list was made.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field

__all__ = ["TYPES", "Entity", "CaseIdentifiers", "RedactionResult", "apply_entities", "placeholder_key",
           "PLACEHOLDER_RE"]

TYPES = ("PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE", "EMAIL", "NI_NUMBER", "NHS_NUMBER",
         "CASE_REF", "PRISON_NUMBER", "PNC_ID", "VEHICLE_REG", "BANK")

# A placeholder this module wrote; never detected again, so redacting twice changes nothing more.
PLACEHOLDER_RE = re.compile(r"\[(?:%s)_\d+\]" % "|".join(TYPES))


@dataclass
class Entity:
    type: str
    start: int
    end: int
    text: str
    placeholder: str = ""
    recogniser: str = ""
    score: float = 1.0
    key: str = field(default="", repr=False, compare=False)  # what makes two mentions "the same value"

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("key")
        return d


@dataclass
class CaseIdentifiers:
    names: list[str] = field(default_factory=list)
    date_of_birth: str | None = None
    address: str | None = None
    other: list[str] = field(default_factory=list)


@dataclass
class RedactionResult:
    text: str
    entities: list[Entity]

    def to_original(self, offset: int) -> int:
        """Offset in the redacted text -> offset in the input. Inside a placeholder it maps to the
        start of the value the placeholder replaced."""
        if offset < 0 or offset > len(self.text):
            raise ValueError(f"offset {offset} is outside the redacted text (0..{len(self.text)})")
        shift = 0
        for e in self.entities:
            r_start = e.start + shift
            r_end = r_start + len(e.placeholder)
            if offset < r_start:
                break
            if offset < r_end:
                return e.start
            shift += len(e.placeholder) - (e.end - e.start)
        return offset - shift

    def originals(self) -> dict[str, list[str]]:
        """placeholder -> the distinct original values it stands for (for the note's officer only)."""
        out: dict[str, list[str]] = {}
        for e in self.entities:
            vals = out.setdefault(e.placeholder, [])
            if e.text not in vals:
                vals.append(e.text)
        return out

    def to_dict(self) -> dict:
        return {"text": self.text, "entities": [e.to_dict() for e in self.entities]}


def placeholder_key(type_: str, value: str) -> str:
    """Default sameness: letters and digits only, case-folded ("07700 900461" == "07700900461")."""
    return type_ + ":" + "".join(ch for ch in value.casefold() if ch.isalnum())


def apply_entities(text: str, entities: list[Entity]) -> RedactionResult:
    """Replace each entity's span in ``text`` by its placeholder.

    Entities must lie inside the text and must not overlap. A missing placeholder is assigned:
    the one already used for the same value and type, or the next free number for the type.
    """
    ents = sorted(entities, key=lambda e: (e.start, e.end))
    prev_end = 0
    for e in ents:
        if e.type not in TYPES:
            raise ValueError(f"unknown entity type {e.type!r}; use one of {', '.join(TYPES)}")
        if not (0 <= e.start < e.end <= len(text)):
            raise ValueError(f"entity {e.type} [{e.start}, {e.end}) is outside the text (length {len(text)})")
        if e.start < prev_end:
            raise ValueError(f"entity {e.type} [{e.start}, {e.end}) overlaps the one before it")
        prev_end = e.end
    by_key: dict[str, str] = {}
    used: dict[str, int] = {}
    for e in ents:  # keep the placeholders already given
        if e.placeholder:
            m = re.fullmatch(r"\[([A-Z_]+)_(\d+)\]", e.placeholder)
            if m:
                used[m.group(1)] = max(used.get(m.group(1), 0), int(m.group(2)))
            by_key.setdefault(e.key or placeholder_key(e.type, text[e.start:e.end]), e.placeholder)
    out, pos, result = [], 0, []
    for e in ents:
        value = text[e.start:e.end]
        key = e.key or placeholder_key(e.type, value)
        ph = e.placeholder or by_key.get(key)
        if not ph:
            used[e.type] = used.get(e.type, 0) + 1
            ph = f"[{e.type}_{used[e.type]}]"
            by_key[key] = ph
        out.append(text[pos:e.start])
        out.append(ph)
        pos = e.end
        result.append(Entity(e.type, e.start, e.end, value, ph, e.recogniser, round(float(e.score), 3), key))
    out.append(text[pos:])
    return RedactionResult("".join(out), result)
