"""Bank details: sort codes and account numbers, said after a cue ("sort code", "account number")."""
from __future__ import annotations

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import PatternRecogniser

__all__ = ["BankRecogniser"]

_BEFORE_ACCOUNT = frozenset({"the", "her", "his", "their", "then"})


class BankRecogniser(PatternRecogniser):
    name = "bank"
    type = "BANK"
    # Six or eight bare digits are too common to redact without a cue, but Whisper sometimes fuses
    # the cue into the number ("Sorko204577" for "sort code 20 45 77").
    patterns = ((r"(?<![A-Z0-9])[A-Z]{4,}\d{6}(?:\d{2})?(?![A-Z0-9])", 0.55),)
    cues = {"sort code": 0.95, "account number": 0.95, "account no": 0.9, "bank account number": 0.95,
            "bank details": 0.85, "count number": 0.85, "account details": 0.85, "account": 0.65,
            "count": 0.6,    # what Whisper may leave of "account" ("the count 7-3-5-5, 0-2-1-8") "iban": 0.95, "card number": 0.95, "bank card number": 0.95,
            # Whisper often mishears "sort" ("sore code", "SOAR code"); digits after "code" are bank details
            "code": 0.65,
            # ... or fuses it into one word ("Sorko 20, 31, 45")
            "sorko": 0.8, "sortcode": 0.9}
    min_digits = 4

    def find(self, a: Analysis) -> list[Entity]:
        out = super().find(a)
        toks = a.tokens
        n = len(toks)
        # Three two-digit groups ("40, 11, 62") are a sort code after a misheard "sort" cue
        # ("Sorkhoed", "Sork", "Sore code") or right before "account number".
        for k in range(n):
            groups, j = [], k
            while j < n and len(groups) < 3:
                t = toks[j]
                if t.kind == "digits" and len(t.canon) == 2 and t.canon.isdigit():
                    groups.append(j)
                    j += 1
                    while j < n and toks[j].raw in (",", "-") and len(groups) < 3:
                        j += 1
                else:
                    break
            if len(groups) < 2 or (k and toks[k - 1].kind == "digits"):
                continue                   # not a start of groups
            if len(groups) == 3 and k + 3 < n and toks[k + 3].kind == "digits":
                continue                   # part of a longer number
            p = k - 1
            if p >= 0 and toks[p].lower == "code":
                p -= 1
            cued = p >= 0 and toks[p].lower.startswith("sor") and toks[p].kind in ("word", "caps")
            q = groups[-1] + 1
            while q < n and (toks[q].raw == "," or toks[q].lower in _BEFORE_ACCOUNT):
                q += 1
            # "account number" after it, or what Whisper leaves of it ("count number"); right before it
            # two groups joined by a hyphen are the sort code with one group lost ("47-09, the count number ...")
            followed = q + 1 < n and toks[q].lower in ("account", "count") and toks[q + 1].lower in ("number", "no")
            joined = toks[groups[0]].end + 1 == toks[groups[1]].start and toks[groups[0] + 1].raw == "-"
            if (cued and len(groups) == 3) or (followed and (len(groups) == 3 or joined)):
                start, end = toks[groups[0]].start, toks[groups[-1]].end
                out.append(self.entity(a, start, end, 0.85,
                                       "BANK:" + "".join(toks[g].canon for g in groups)))
        return out
