"""The field values ``extract`` gives for a text, checking on the way that every piece of evidence is
the text's exact words (shared by the extraction tests)."""
from __future__ import annotations

import datetime as dt

from assistant.extraction import extract

__all__ = ["TUESDAY", "fields"]

TUESDAY = dt.date(2026, 3, 10)


def fields(text: str, day: dt.date = TUESDAY) -> dict:
    x = extract(text, day)
    for f in x.fields.values():                 # every value keeps exact evidence
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.text
    return {n: f.value for n, f in x.fields.items()}
