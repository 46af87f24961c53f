"""A long number said after "number" whose own cue Whisper misheard ("BNC number 2019-045-6789",
"his and I number ..."): an identifier of the person all the same. Typed by its shape (11 digits
from 0: PHONE; 10: NHS_NUMBER; 6 or 8: BANK; otherwise CASE_REF, a reference of the case)."""
from __future__ import annotations

import datetime as dt
import re

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import PatternRecogniser
from redaction.spoken import run_from

__all__ = ["ReferenceNumberRecogniser", "type_by_shape"]


def type_by_shape(dense: str) -> str:
    digits = "".join(c for c in dense if c.isdigit())
    if len(digits) == 11 and digits.startswith("0"):
        return "PHONE"
    if len(digits) == 10:
        return "NHS_NUMBER"
    if len(digits) in (6, 8) and len(digits) == len(dense):
        return "BANK"
    return "CASE_REF"


_LONG_RUN = 9
_YEAR = re.compile(r"(?:19|20)\d\d")
# A date (and time) written the ISO way, as the review screen's date fields hold them and officers
# type them into edits ("2026-03-13T10:30"): a date, not ten digits of someone's identifier.
_ISO_DATE_TIME = re.compile(r"(?:19|20)\d\d-[01]\d-[0-3]\d(?:[T ][0-2]\d(?::[0-5]\d){0,2})?")


def _is_iso_date_time(raw: str, digits: int) -> bool:
    """``raw`` (a run of ``digits`` digits) is a valid ISO date-time, give or take a number word the
    run took in before it ("next one 2026-03-13T10:30")."""
    m = _ISO_DATE_TIME.search(raw)
    if not m or digits - sum(c.isdigit() for c in m.group()) > 2:
        return False
    try:
        dt.date.fromisoformat(m.group()[:10])
    except ValueError:
        return False
    return True


class ReferenceNumberRecogniser(PatternRecogniser):
    name = "reference_number"
    type = "CASE_REF"
    cues = {"number": 0.55, "number is": 0.6, "reference": 0.55, "id": 0.5}
    min_digits = 6

    def find(self, a: Analysis) -> list[Entity]:
        out = []
        for j, score in self.cue_hits(a):
            run = run_from(a.tokens, j, max_gap=2)
            if run is None or not self.accept_cued(run.dense):
                continue
            start, end = run.span(0, len(run.dense))
            e = self.entity(a, start, end, score, f"CASE_REF:{run.dense}")
            e.type = type_by_shape(run.dense)
            out.append(e)
        return out + self._said_digit_by_digit(a)

    def _said_digit_by_digit(self, a: Analysis) -> list[Entity]:
        """Nine or more digits said one or two at a time ("29-10-4-5-6-7-8-9-9"), or eight characters
        and more that mix six digits with letters, are someone's identifier whatever cue Whisper
        misheard before them ("his DNC wrong, the right one is ..."): nothing else a note says sounds
        like that (years and times are said in fours and twos)."""
        out = []
        for run in a.runs:
            nums = [t for t in run.tokens if t.kind in ("digits", "alnum")]
            digits = sum(c.isdigit() for c in run.dense)
            # said one or two digits at a time (a year may lead it: "2021-1-0-3-7-2-9-1-4-K"), or letters
            # and digits mixed as no word or time is ("10H261184C", "10-H, 2-6, One, one, eight, four")
            spoken = digits >= _LONG_RUN and sum(sum(c.isdigit() for c in t.canon) <= 2 for t in nums) >= 6
            mixed = digits >= 6 and len(run.dense) >= 8 and any(c.isalpha() for c in run.dense)
            # groups of unequal length that are not a list of years ("2019-0456, 7-8")
            grouped = digits >= _LONG_RUN and len(nums) >= 3 and not all(_YEAR.fullmatch(t.canon) for t in nums)
            # six digits or more said one at a time and a check letter ("seven, seven, one, ..., two, M")
            checked = digits >= 6 and run.dense[-1].isalpha() and len(run.dense) == digits + 1 \
                and sum(len(t.canon) == 1 for t in nums) >= 6
            if "/" in run.dense or not (spoken or mixed or grouped or checked):
                continue
            if _is_iso_date_time(a.text[run.tokens[0].start:run.tokens[-1].end], digits):
                continue
            last = len(run.tokens) - 1
            while last > 0 and (run.tokens[last].raw in ("I", "A") or run.tokens[last].kind == "punct"):
                last -= 1                # the pronoun starting the next clause: "..., 4-K, I checked it"
            start, end = run.tokens[0].start, run.tokens[last].end
            e = self.entity(a, start, end, 0.55, f"CASE_REF:{run.dense}")
            e.type = type_by_shape(run.dense)
            out.append(e)
        return out
