"""Email addresses, written or spoken ("priya dot sharma eighty eight at example dot com") and
as Whisper merges them ("hannicol92atexample.com")."""
from __future__ import annotations

import re

from redaction.analysis import Analysis
from redaction.model import Entity
from redaction.recognisers.base import Recogniser
from redaction.spoken import Token

__all__ = ["EmailRecogniser"]

_WRITTEN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLDS = {"com", "co", "uk", "org", "net", "gov", "ac", "io", "me", "info", "biz", "email", "mail", "nhs", "scot",
         "wales", "ie", "eu", "de", "fr", "pl", "ro", "in", "pk", "ng"}
_CUES = {"email", "e-mail", "emailed", "mail", "address"}
# Words that end the local part when walking back from "at": they introduce the address.
_INTRO = {"is", "was", "email", "e", "mail", "address", "her", "his", "their", "my", "your", "me", "the", "to",
          "on", "at", "and", "it's", "its", "new", "gave", "give", "use", "uses", "from", "of", "be", "as"}
_LOCAL_JOINERS = {".", "_", "-", "dot", "underscore", "hyphen", "dash"}


def _is_dot(t: Token) -> bool:
    return t.raw == "." or t.lower == "dot"


class EmailRecogniser(Recogniser):
    name = "email"
    type = "EMAIL"

    def find(self, a: Analysis) -> list[Entity]:
        out = [self.entity(a, m.start(), m.end(), 0.95) for m in _WRITTEN.finditer(a.text)]
        toks = a.tokens
        n = len(toks)
        i = 0
        while i < n:
            # a domain: word (dot word)* dot tld
            j, tld_at = i, None
            if toks[i].kind in ("word", "alnum", "caps", "letter"):
                while j + 2 < n and _is_dot(toks[j + 1]) and toks[j + 2].kind in ("word", "alnum", "caps"):
                    if toks[j + 1].raw == "." and toks[j + 2].start > toks[j + 1].end:
                        break   # ". " ends a sentence; a written domain has no spaces
                    j += 2
                    if toks[j].lower in _TLDS:
                        tld_at = j
            if tld_at is None:
                i += 1
                continue
            d_start, d_end = i, j = i, tld_at
            start = None
            if d_start > 0 and toks[d_start - 1].lower in ("at", "@"):
                start = self._local_start(toks, d_start - 2)
                if start is None:
                    start = d_start - 1
            elif self._cue_before(toks, d_start) or ("at" in toks[d_start].lower[1:]
                                                     and any(c.isdigit() for c in toks[d_start].raw)):
                # merged "name92atexample.com", or a domain right after "email ... is"
                start = self._local_start(toks, d_start - 1)
                start = d_start if start is None else start
            if start is not None:
                out.append(self.entity(a, toks[start].start, toks[d_end].end, 0.9))
            i = j + 1
        return out

    @staticmethod
    def _local_start(toks: list[Token], k: int) -> int | None:
        """Walk back over the local part ("priya dot sharma 88") from token ``k``."""
        start, words = None, 0
        while k >= 0 and words < 6:
            t = toks[k]
            if t.lower in _INTRO or t.raw in (",", ";", ":", "?", "!") or (t.raw == "." and start is None):
                break
            if t.lower in _LOCAL_JOINERS or t.raw == "." and start is not None:
                k -= 1
                continue
            if t.kind == "punct":
                break
            start = k
            words += 1
            k -= 1
        return start

    @staticmethod
    def _cue_before(toks: list[Token], k: int, window: int = 8) -> bool:
        return any(t.lower in _CUES for t in toks[max(0, k - window):k])
