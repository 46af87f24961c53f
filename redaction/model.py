"""The data of redaction: what was found (``Entity``), what the officer told us about the case
(``CaseIdentifiers``), and the redacted text with a way back to the input (``RedactionResult``).

Placeholders themselves (pattern, numbering, the one renderer ``apply_entities``, offset maps)
live in ``redaction.placeholders``; they are re-exported here for existing callers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from redaction.placeholders import PLACEHOLDER_RE, TYPES, apply_entities, placeholder_key, to_original

__all__ = ["TYPES", "Entity", "CaseIdentifiers", "RedactionResult", "apply_entities", "placeholder_key",
           "PLACEHOLDER_RE"]



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

    def to_original(self, offset: int, at_end: bool = False) -> int:
        """Offset in the redacted text -> offset in the input. Inside a placeholder it maps to the
        start of the value the placeholder replaced (its end with ``at_end``)."""
        if offset < 0 or offset > len(self.text):
            raise ValueError(f"offset {offset} is outside the redacted text (0..{len(self.text)})")
        return to_original(offset, self.entities, at_end)

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
