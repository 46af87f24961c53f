"""Read identifiers the way Whisper writes spoken ones, keeping exact offsets into the transcript.

Officers say "oh seven seven zero zero, nine double zero", "L S nine, eight A B", "twenty nineteen
slash ..." and Whisper writes any mix of words, digits and letters, split or merged at random.
``tokenise`` splits the transcript into tokens, each with its span in the original text and a
canonical form: number words become digits ("double zero" -> "00", "forty two" -> "42", "oh"
beside other digits -> "0"), "slash" becomes "/", "dot" becomes ".". ``id_runs`` joins adjacent
identifier-like tokens into one dense string ("NG74BX") with a map from every dense character back
to its token, so a pattern matched on the dense string maps to an exact span of the transcript.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Token", "IdRun", "tokenise", "id_runs", "run_from", "run_after_cue", "LETTER_NAMES", "UNITS", "TENS", "TEENS",
           "is_id_token", "dense_of"]

UNITS = {"zero": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
         "six": "6", "seven": "7", "eight": "8", "nine": "9"}
TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
         "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
        "eighty": "8", "ninety": "9"}
_ZERO_LIKE = {"oh", "o"}              # "oh" is a digit only beside other digits ("oh seven", "four oh")
_REPEAT = {"double": 2, "triple": 3}
_MERGED_OH = {"low", "lo", "o", "oh"}
# Letters as Whisper may write them when a letter is said on its own ("N R" -> "an are").
LETTER_NAMES = {"ay": "A", "bee": "B", "be": "B", "see": "C", "sea": "C", "dee": "D", "ee": "E", "ef": "F",
                "gee": "G", "aitch": "H", "jay": "J", "kay": "K", "el": "L", "em": "M", "en": "N", "an": "N",
                "pee": "P", "queue": "Q", "cue": "Q", "are": "R", "ess": "S", "tee": "T", "tea": "T",
                "you": "U", "vee": "V", "ex": "X", "why": "Y", "zed": "Z", "a": "A", "i": "I"}

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|\S")
_SEPARATORS = {",", "-", "–"}


@dataclass
class Token:
    raw: str      # exactly as in the transcript
    start: int    # offsets into the transcript
    end: int
    canon: str    # canonical form ("7", "00", "42", "/", ".", "LS", "priya")
    kind: str     # digits | alnum | letter | caps | word | slash | punct
    spelled: bool = False   # written as hyphen-joined characters ("S-T-4-4-3-2-2B"): spelled out aloud
    lower: str = field(init=False, repr=False, compare=False)   # raw.lower(), computed once

    def __post_init__(self):
        self.lower = self.raw.lower()


def _kind(raw: str) -> str:
    if raw.isdigit() and raw.isascii():
        return "digits"
    if len(raw) == 1 and not raw.isalnum():
        return "slash" if raw == "/" else "punct"
    if raw.isascii() and raw.isalnum() and any(c.isdigit() for c in raw):
        return "alnum"
    if raw.isascii() and raw.isalpha() and raw.isupper():
        return "letter" if len(raw) == 1 else ("caps" if len(raw) <= 4 else "word")
    return "word"


def _is_num_word(t: Token | None) -> bool:
    return t is not None and (t.kind == "digits" or t.lower in UNITS or t.lower in TEENS or t.lower in TENS
                              or t.lower in _REPEAT)


# Whisper writes characters spelled out one by one joined by hyphens: "S-T-4-4-3-2-2B", "L-S-6-2-A-B".
# Elements are single letters or digits (the first or last may be a letter-digit pair, "2B");
# at least three of them and at least one digit, so "X-ray", "12-05-20" and "A-B-C" stay as they are.
_SPELLED_RE = re.compile(r"(?<![\w-])(?:[A-Za-z0-9]|[A-Za-z]\d|\d[A-Za-z])(?:-(?:[A-Za-z0-9]|[A-Za-z]\d|\d[A-Za-z])){2,}(?![\w-])")


# ... or capital letters each with a full stop ("L.V.19, XKR", "B.S. 5"): one token "LV". Lower case
# ("a.m.", "e.g.") is left alone. The last full stop ends a sentence when a capitalised word follows.
_DOTTED_RE = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,4}(?=\d)|"
                        r"(?<![\w.])(?:[A-Z]\.){1,3}[A-Z](?:\.(?!\s+[A-Z][a-z]|\s*$))?(?![\w-])")


def _spelled_spans(text: str) -> list[tuple[int, int]]:
    """Spelled identifiers with a digit; digits alone need four elements ("0-7-7-0", not a score "3-1-0").
    Dotted capitals of two to four letters."""
    out = []
    for m in _SPELLED_RE.finditer(text):
        g = m.group()
        if any(c.isdigit() for c in g) and (not g.replace("-", "").isdigit() or g.count("-") >= 3):
            out.append((m.start(), m.end()))
    out += [(m.start(), m.end()) for m in _DOTTED_RE.finditer(text)]
    out.sort()
    return out


def _raw_tokens(text: str) -> list[Token]:
    spans = _spelled_spans(text)
    toks = [Token(m.group(), m.start(), m.end(), m.group(), _kind(m.group())) for m in _TOKEN_RE.finditer(text)]
    if not spans:
        return toks
    out, k = [], 0
    for s, e in spans:
        while k < len(toks) and toks[k].start < s:
            out.append(toks[k])
            k += 1
        while k < len(toks) and toks[k].end <= e:
            k += 1
        raw = text[s:e]
        dense = raw.replace("-", "").replace(".", "").upper()
        # the letter O said for zero between digits ("S-K-3-O-5-7-2-2-A")
        dense = re.sub(r"(?<=\d)O(?=\d)", "0", dense)
        out.append(Token(raw, s, e, dense, "alnum" if any(c.isdigit() for c in dense) else "caps", True))
    out.extend(toks[k:])
    return out


def tokenise(text: str) -> list[Token]:
    """Tokens of ``text`` with canonical forms (one pass, linear in the text)."""
    raw = _raw_tokens(text)
    out: list[Token] = []
    i, n = 0, len(raw)
    while i < n:
        t = raw[i]
        w = t.lower
        nxt = raw[i + 1] if i + 1 < n else None
        if (w in _REPEAT and nxt is not None and nxt.raw == "-" and i + 2 < n and raw[i + 2].lower in _MERGED_OH
                and nxt.start == t.end and raw[i + 2].start == nxt.end):
            # "double oh" run together and misheard: "double-low"
            out.append(Token(text[t.start:raw[i + 2].end], t.start, raw[i + 2].end, "0" * _REPEAT[w], "digits"))
            i += 3
            continue
        if w in _REPEAT and nxt is not None and (nxt.lower in UNITS or nxt.lower in _ZERO_LIKE
                                                 or (nxt.kind == "digits" and len(nxt.raw) == 1)
                                                 or nxt.kind == "letter"):
            unit = UNITS.get(nxt.lower) or ("0" if nxt.lower in _ZERO_LIKE else nxt.raw.upper())
            kind = "letter" if nxt.kind == "letter" else "digits"
            out.append(Token(text[t.start:nxt.end], t.start, nxt.end, unit * _REPEAT[w],
                             "caps" if kind == "letter" else "digits"))
            i += 2
            continue
        if w in TENS:
            if nxt is not None and nxt.lower in UNITS and nxt.lower != "zero":
                out.append(Token(text[t.start:nxt.end], t.start, nxt.end, TENS[w] + UNITS[nxt.lower], "digits"))
                i += 2
                continue
            out.append(Token(t.raw, t.start, t.end, TENS[w] + "0", "digits"))
            i += 1
            continue
        if w in TEENS:
            out.append(Token(t.raw, t.start, t.end, TEENS[w], "digits"))
            i += 1
            continue
        if w in UNITS:
            out.append(Token(t.raw, t.start, t.end, UNITS[w], "digits"))
            i += 1
            continue
        if w in _ZERO_LIKE and (_is_num_word(nxt) or _is_num_word(out[-1] if out else None)
                                or (out and out[-1].kind == "digits")):
            out.append(Token(t.raw, t.start, t.end, "0", "digits"))
            i += 1
            continue
        after = raw[i + 2] if nxt is not None and nxt.raw == "-" and i + 2 < n else nxt
        if (len(w) == 1 and w.isalpha() and w.isascii() and t.raw.islower() and w not in ("a", "i")
                and after is not None and (after.kind == "digits" or after.lower in UNITS)):
            # a letter said alone before digits, written in lower case ("case ref x 4 7 7 0 2 1")
            out.append(Token(t.raw, t.start, t.end, w.upper(), "letter"))
        elif w == "slash":
            out.append(Token(t.raw, t.start, t.end, "/", "slash"))
        elif w == "dot":
            out.append(Token(t.raw, t.start, t.end, ".", "punct"))
        else:
            if t.spelled:
                out.append(t)
                i += 1
                continue
            canon = t.raw.upper() if t.kind in ("alnum", "letter", "caps") else t.raw
            out.append(Token(t.raw, t.start, t.end, canon, t.kind))
        i += 1
    return _merge_hundreds(text, out)


def _merge_hundreds(text: str, toks: list[Token]) -> list[Token]:
    """"nine hundred" -> 900, "two thousand and one" -> 2001 (dates of birth, house numbers)."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if (t.kind == "digits" and len(t.canon) <= 2 and i + 1 < len(toks)
                and toks[i + 1].lower in ("hundred", "thousand")):
            scale = 100 if toks[i + 1].lower == "hundred" else 1000
            value, end, j = int(t.canon) * scale, toks[i + 1].end, i + 2
            if j < len(toks) and toks[j].lower == "and" and j + 1 < len(toks) and toks[j + 1].kind == "digits" \
                    and not any(c.isdigit() for c in toks[j + 1].raw) and int(toks[j + 1].canon) < scale:
                value, end, j = value + int(toks[j + 1].canon), toks[j + 1].end, j + 2
            elif j < len(toks) and toks[j].kind == "digits" \
                    and not any(c.isdigit() for c in toks[j].raw) and int(toks[j].canon) < scale:
                value, end, j = value + int(toks[j].canon), toks[j].end, j + 1
            out.append(Token(text[t.start:end], t.start, end, str(value), "digits"))
            i = j
            continue
        out.append(t)
        i += 1
    return out


def is_id_token(t: Token) -> bool:
    return t.kind in ("digits", "alnum", "letter", "caps", "slash")


@dataclass
class IdRun:
    tokens: list[Token]
    dense: str             # canonical forms joined without separators, upper case
    owner: list[int]       # dense character -> index into ``tokens``

    def span(self, d_start: int, d_end: int) -> tuple[int, int]:
        """Transcript span of dense characters [d_start, d_end), widened to whole tokens."""
        return self.tokens[self.owner[d_start]].start, self.tokens[self.owner[d_end - 1]].end


def dense_of(tokens: list[Token]) -> IdRun:
    dense, owner = [], []
    for k, t in enumerate(tokens):
        if t.kind == "punct":
            continue
        c = t.canon.upper()
        dense.append(c)
        owner.extend([k] * len(c))
    return IdRun(tokens, "".join(dense), owner)


def _digit_pause(tokens: list[Token], k: int) -> bool:
    """A full stop between two groups of digits: Whisper's mark for a pause inside a number
    ("07700. 900. 461."), or a decimal point it put between digits said one by one ("9.3, 5.1.8")."""
    if not (tokens[k].raw == "." and 0 < k < len(tokens) - 1 and tokens[k - 1].canon.isdigit()
            and tokens[k + 1].canon.isdigit()):
        return False
    inside = tokens[k - 1].end == tokens[k].start and tokens[k].end == tokens[k + 1].start
    return inside or (_digit_group(tokens, k - 1, -1) >= 3 and _digit_group(tokens, k + 1, 1) >= 3) \
        or (_said_group(tokens, k - 1, -1) >= 3 and _said_group(tokens, k + 1, 1) >= 3)


def _said_group(tokens: list[Token], k: int, step: int) -> int:
    """Digits in the comma-separated group of two or more numbers said one or two digits at a time that
    token ``k`` ends (step -1) or starts (step 1), else 0: "7, 7, double-o. 9, double-o. 7, 2, 9" is
    one phone number."""
    count = digits = 0
    while 0 <= k < len(tokens) and tokens[k].kind == "digits" and len(tokens[k].canon) <= 2:
        count, digits = count + 1, digits + len(tokens[k].canon)
        if not (0 <= k + step < len(tokens) and tokens[k + step].raw == ","):
            break
        k += 2 * step
    return digits if count >= 2 else 0


def _digit_group(tokens: list[Token], k: int, step: int) -> int:
    """Digits in the hyphen-joined group that token ``k`` ends (step -1) or starts (step 1): "1-8-6"."""
    count = 0
    while 0 <= k < len(tokens) and tokens[k].kind in ("digits", "alnum") and tokens[k].canon.isdigit():
        count += len(tokens[k].canon)
        if not (0 <= k + step < len(tokens) and tokens[k + step].raw == "-"):
            break
        k += 2 * step
    return count


def id_runs(tokens: list[Token]) -> list[IdRun]:
    """Maximal runs of identifier-like tokens, allowing commas and hyphens between them."""
    runs, cur, pending_sep = [], [], []
    for k, t in enumerate(tokens):
        if t.raw in ("I", "A") and pending_sep and k + 1 < len(tokens) and tokens[k + 1].raw.islower():
            runs.append(dense_of(cur))    # "..., B X, I need that": the pronoun starts the next clause
            cur, pending_sep = [], []
            continue
        if is_id_token(t):
            if cur and pending_sep:
                cur.extend(pending_sep)
            cur.append(t)
            pending_sep = []
        elif (t.raw in _SEPARATORS or _digit_pause(tokens, k)) and cur:
            pending_sep.append(t)
        else:
            if cur:
                runs.append(dense_of(cur))
            cur, pending_sep = [], []
    if cur:
        runs.append(dense_of(cur))
    return runs


_STOP = {".", "?", "!", ";", "[", "]", "\n"}
# Words that announce another identifier: a run said before one of them ends there.
_NEXT_VALUE = {"account", "number", "code", "postcode", "reference", "mobile", "phone", "email"}


def run_from(tokens: list[Token], i: int, max_tokens: int = 18, max_gap: int = 4) -> IdRun | None:
    """The identifier said after a cue that ends at token ``i``: digits, letters and letter names,
    allowing a few misheard words between them (espeak's "oh seven four near only a row, one two
    three" still yields its digits), up to the end of the sentence."""
    picked: list[Token] = []
    gap = 0
    j = i
    # past ``max_tokens`` only an identifier already begun goes on (it is not cut in two)
    while j < len(tokens) and (j < i + max_tokens or (picked and gap == 0 and j < i + 2 * max_tokens)):
        t = tokens[j]
        if (t.raw in _STOP and not _digit_pause(tokens, j)) or t.raw.startswith("["):
            break
        if t.raw in ("I", "A") and j + 1 < len(tokens) and tokens[j + 1].raw.islower():
            break                      # the pronoun or article starting the next clause: "KLM, I am"
        if picked and t.lower in _NEXT_VALUE:
            break                      # "sort code 20 46 17, account number ...": the next value begins
        if is_id_token(t):
            if gap and not any(c.isdigit() for c in t.canon):
                break                  # after misheard words only more digits continue the identifier
            picked.append(t)
            gap = 0
        elif picked and t.raw in _SEPARATORS:
            pass
        elif t.lower in LETTER_NAMES and len(t.raw) <= 5 and _next_is_id(tokens, j):
            picked.append(Token(t.raw, t.start, t.end, LETTER_NAMES[t.lower], "letter"))
            gap = 0
        else:
            if picked:
                gap += 1
                if gap > max_gap or not _id_ahead(tokens, j + 1, max_gap - gap + 1):
                    break
        j += 1
    if not picked:
        return None
    return dense_of(picked)


# How a value announced earlier is handed over once an aside or a sentence end came between: "He's got
# a new number. It's oh seven ...", "his prison number, for the recall paperwork, no, sorry, for the
# licence, it's eight, three, oh ...".
_HANDOVER = {"it's", "its", "it", "is", "that's", "which", "number's", "so"}
_HANDOVER_START = {"it's", "its", "it", "that's", "which", "so"}


def run_after_cue(tokens: list[Token], i: int, accept=lambda dense: True, max_tokens: int = 30) -> IdRun | None:
    """``run_from`` the cue ending at token ``i``; when that holds no acceptable identifier, the one
    handed over later ("... new number. It's 07700 ...") at the start of a clause within
    ``max_tokens`` of the cue, crossing at most one sentence end."""
    run = run_from(tokens, i)
    if run is not None and accept(run.dense):
        return run
    stops = 0
    for j in range(i, min(len(tokens), i + max_tokens)):
        t = tokens[j]
        if t.raw.startswith("[") or t.raw == "]":
            return None
        if t.raw in _STOP and not _digit_pause(tokens, j):
            stops += 1
            if stops > 1:
                return None
            # the next sentence opens with it, after a few words at most ("... national insurance number
            # for the form. He read it out, JK-48, ...", "Case ref for the file. Next, seven, one, ...")
            # (a bare number only right at the start: "He came at 10, 11" is a time)
            k = next((m for m in range(j + 1, min(len(tokens), j + 7)) if is_id_token(tokens[m])), None)
            if k is not None and not any(tokens[m].raw in _STOP for m in range(j + 1, k)) and (
                    k <= j + 3 or tokens[k].canon[:1].isalpha()):
                nxt = run_from(tokens, k, max_tokens=24, max_gap=1)
                if nxt is not None and nxt.tokens[0].start == tokens[k].start and len(nxt.dense) >= 5 \
                        and (tokens[k].canon[:1].isalpha() or sum(len(x.canon) == 1 for x in nxt.tokens) >= 4
                             or (k == j + 1 and sum(c.isdigit() for c in nxt.dense) >= 6
                                 and all(len(x.canon) >= 3 for x in nxt.tokens if x.kind != "punct"))) \
                        and accept(nxt.dense):
                    return nxt           # letter-led, digits said one by one, or groups of three opening it
            continue
        if t.lower not in _HANDOVER_START or j == 0 or tokens[j - 1].raw not in _STOP | {","}:
            continue
        k = j
        while k < len(tokens) and k <= j + 2 and tokens[k].lower in _HANDOVER:
            k += 1
        # the identifier right after the handover (one misheard word may stand before it, "it's
        # party 5-6, 0-3" for "R T 5 6"), with at most one misheard word inside it
        nxt = run_from(tokens, k, max_tokens=24, max_gap=1)
        if nxt is not None and nxt.tokens[0].start in (tokens[k].start, tokens[min(k + 1, len(tokens) - 1)].start) \
                and accept(nxt.dense):
            return nxt
    return None


def _next_is_id(tokens: list[Token], j: int) -> bool:
    return j + 1 < len(tokens) and (is_id_token(tokens[j + 1]) or tokens[j + 1].lower in LETTER_NAMES)


def _id_ahead(tokens: list[Token], j: int, within: int) -> bool:
    """Is there an identifier token within ``within`` words (separators not counted) from ``j``?"""
    words = 0
    for k in range(j, len(tokens)):
        if tokens[k].raw in _STOP:
            return False
        if is_id_token(tokens[k]):
            return True
        if tokens[k].raw not in _SEPARATORS:
            words += 1
            if words >= within:
                return False
    return False
