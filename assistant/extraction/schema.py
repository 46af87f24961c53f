"""The typed results of extraction (contract: docs/ARCHITECTURE.md, "Extraction")."""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["FIELD_NAMES", "SECTIONS", "SECTION_TITLES", "Evidence", "Field", "Sentence", "Extraction"]

FIELD_NAMES = ("contact_date", "contact_type", "attendance", "needs_discussed", "risk_flags", "referrals",
               "actions", "next_appointment")
SECTIONS = ("check_in", "review", "intervention", "summary", "set_task", "appointment")
SECTION_TITLES = {"check_in": "Check-in", "review": "Review", "intervention": "Intervention",
                  "summary": "Summary", "set_task": "Set task", "appointment": "Appointment"}


@dataclass
class Evidence:
    start: int                     # offsets into the text given to extract()
    end: int
    text: str                      # always text[start:end]
    supports: str | None = None    # for list fields: the value (code, name, action) this span supports
    t0: float | None = None        # audio times, filled by assistant.extraction.timing when a transcript is known
    t1: float | None = None

    def to_dict(self) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text}
        # Optional keys only when known, so the contract's three keys stay the whole story by default.
        for k in ("supports", "t0", "t1"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        return d


@dataclass
class Field:
    name: str
    value: object                  # as ../shared/spec/fields.md; "" / [] / None when nothing was said
    evidence: list[Evidence] = field(default_factory=list)
    reason: str | None = None      # why a value is empty or null, or how it was qualified (hedged, default)
    # Dates for the review card. ``weekday``: the weekday of a date value ("Wednesday").
    # ``candidates``: when the words allow two dates ("next Wednesday" said on a Tuesday) value is None
    # and each reading is listed as {"value", "weekday", "reading"} for the officer to choose.
    weekday: str | None = None
    candidates: list[dict] | None = None

    def to_dict(self) -> dict:
        d = {"value": self.value, "evidence": [e.to_dict() for e in self.evidence], "reason": self.reason}
        # Optional keys only when known: the contract's three keys stay the whole story otherwise.
        if self.weekday is not None:
            d["weekday"] = self.weekday
        if self.candidates:
            d["candidates"] = self.candidates
        return d


@dataclass
class Sentence:
    start: int
    end: int
    text: str                      # the officer's sentence, exactly text[start:end]

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class Extraction:
    fields: dict[str, Field]
    crissa: dict[str, list[Sentence]]

    def to_dict(self) -> dict:
        return {"fields": {n: f.to_dict() for n, f in self.fields.items()},
                "crissa": {s: [x.to_dict() for x in self.crissa.get(s, [])] for s in SECTIONS}}

    def crissa_text(self) -> str:
        """The note under CRISSA headings. Every line under a heading is one of the officer's sentences,
        unchanged; an empty section shows only its heading and a dash."""
        blocks = []
        for s in SECTIONS:
            lines = [x.text for x in self.crissa.get(s, [])] or ["-"]
            blocks.append(SECTION_TITLES[s] + "\n" + "\n".join(lines))
        return "\n\n".join(blocks) + "\n"
