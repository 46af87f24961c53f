"""Agencies and services the person was referred, signposted or reported to, named as said.

An agency is a listed name ("StepChange", "children's social care") or a noun phrase ending in a
service word ("the Wise Group project"); it counts only when a referral cue ("referred", "details of",
"inform", "contact") comes before it in the same sentence, so "his work coach at the Jobcentre" is
a mention, not a referral. The officer's own colleagues ("my manager") are not agencies."""
from __future__ import annotations

import re
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz, process

from assistant.extraction.lexicons import AGENCIES, AGENCY_HEADS, NEEDS, REFERRAL_CUES
from assistant.extraction.negation import is_negated
from assistant.extraction.nlp import LexiconMatcher, Parsed
from assistant.extraction.regions import Regions
from assistant.extraction.schema import Evidence, Field

__all__ = ["referrals_field", "normalise_name", "listed_agency"]

_agencies: LexiconMatcher | None = None
_cues: LexiconMatcher | None = None
_DROP = {"the", "a", "an", "local", "his", "her", "their", "our", "urgent", "new", "this", "that", "some", "both"}
_OWN = {"my", "our"}
_CUE_NOUNS = {"referral", "referrals", "details", "detail", "number", "information", "leaflet", "touch", "check"}
# Spellings that differ only between British and American English, and Whisper's possessives.
_SPELLING = [(r"advisor", "adviser"), (r"program\b", "programme"), (r"counseling", "counselling"),
             (r"center", "centre"), (r"license", "licence"), (r"'s\b", ""), (r"\bchildrens\b", "children")]


def normalise_name(name: str) -> str:
    """Lowercase letters and digits only: "the local StepChange" and "step change" compare equal after the
    leading words are dropped."""
    name = name.lower().replace("’", "'")
    for a, b in _SPELLING:
        name = re.sub(a, b, name)
    words = name.split()
    while words and words[0] in _DROP:
        words = words[1:]
    # Singular and plural compare equal ("Samaritan's helpline" ~ "Samaritans").
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return "".join(ch for ch in " ".join(words) if ch.isalnum())


def _matchers():
    global _agencies, _cues
    if _agencies is None:
        _agencies = LexiconMatcher({"agency": AGENCIES})
        _cues = LexiconMatcher({"cue": REFERRAL_CUES})
    return _agencies, _cues


# Referrals said as plans: "I'll get the housing team to ring him", "I'm going to ask the council to ...",
# "get Shelter involved". These verbs are too common to govern a whole subtree ("get a job at the
# Jobcentre" is no referral), so they count only with the agency as their object, right after them.
_PLAN_VERBS = {"get", "ask", "involve", "chase", "loop", "bring", "invite", "ping", "nudge", "text", "message",
               "write", "update", "flag", "escalate", "pass", "send", "approach", "request", "let"}
_PLAN_AFTER = {"to", "involved", "in", "on", "about", "for", "round", "over", "out", "back", "and", ",", ".", "if",
               "whether", "that"}


def _plan_cue(doc, s_tok: int, e_tok: int) -> int | None:
    """A plan verb with this agency as its object: "get [the housing team] to", "ask [the council] about"."""
    j = s_tok - 1
    while j >= 0 and s_tok - j <= 4 and (doc[j].lower_ in _DROP | {"up", "in", "on", "to", "with"} or doc[j].is_space):
        j -= 1
    if j < 0 or doc[j].lemma_.lower() not in _PLAN_VERBS or doc[j].pos_ not in ("VERB", "AUX"):
        return None
    after = doc[e_tok].lower_ if e_tok < len(doc) else "."
    if doc[j].lemma_.lower() == "let":
        return j if after == "know" else None      # "I'll let the victim liaison unit know today"
    if after not in _PLAN_AFTER and doc[j].lemma_.lower() in ("get", "bring", "pass", "send"):
        return None
    return j


def _is_referral_word(doc, t) -> bool:
    """"referred", "signposted", "a referral", and Whisper's shapes of "signposted him to": "sign
    posted", "side posted", "composted", "posted him to", "preferred him to"."""
    if t.lemma_.lower() in ("refer", "signpost") or t.lower_ in ("referral", "referred", "signposted"):
        return True
    obj = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
    to = doc[t.i + 2].lower_ if t.i + 2 < len(doc) else ""
    # "for" is Whisper's "her" here ("composted for to ...").
    if (t.lower_.endswith(("posted", "posting")) or t.lower_ == "preferred") and obj in ("him", "her", "them", "for") \
            and to in ("to", "onto", "into"):
        return True
    # "sign posted to", and "referred to, no, I'm posted to" (a restart after a referral word).
    prev = [x.lower_ for x in doc[max(0, t.i - 7):t.i]]
    return t.lower_.endswith("posted") and obj in ("to", "onto") and (
        prev[-1:] == ["sign"] or any(w in ("referred", "refer", "referral") for w in prev))


_NOT_AN_AGENCY = {"his", "her", "their", "my", "our", "your", "him", "them", "me", "us", "it", "you", "everyone",
                  "anyone", "someone"}


def _let_know(p: Parsed) -> list[tuple[int, int]]:
    """Whoever the officer will "let ... know" is told, so contacted: "I've let the, um, the tenancy
    sustainment know". Not people (placeholders, pronouns) and not someone's own worker ("his BBR
    facilitator")."""
    doc, out = p.doc, []
    for t in doc:
        if t.lemma_.lower() != "let":
            continue
        know = next((k for k in range(t.i + 2, min(len(doc), t.i + 8)) if doc[k].lower_ == "know"), None)
        if know is None:
            continue
        s, e = _trim(p, t.i + 1, know)
        words = [x for x in doc[t.i + 1:e] if not x.is_space]
        person = lambda x: "[" in p.text[x.idx:x.idx + len(x.text)]  # noqa: E731  (a placeholder)
        if words and not any(x.lower_ in _NOT_AN_AGENCY or x.pos_ in ("PRON", "VERB") or person(x) for x in words):
            out.append((s, e))
    return out


# Listed names Whisper mishears ("women's maid", "citizens and mice"): a run of up to four words whose
# letters are close to a listed agency's is that agency. Only names long enough to be told apart.
_FUZZY_MIN = 8


def _fuzzy_cutoff(n: int) -> float:
    return 75.0 if n >= 14 else 85.0


@lru_cache(maxsize=1)
def _listed_keys() -> dict[str, str]:
    return {normalise_name(a): a for a in AGENCIES if len(normalise_name(a)) >= _FUZZY_MIN}


@lru_cache(maxsize=1)
def _all_keys() -> tuple[str, ...]:
    """Every listed agency, normalised once (not once per span tried: a long note tries thousands)."""
    return tuple(k for k in map(normalise_name, AGENCIES) if len(k) >= 2)


def listed_agency(name: str) -> str | None:
    """The listed agency a heard name is a mishearing of, or None (also when it is listed as heard)."""
    key = normalise_name(name)
    keys = _listed_keys()
    if len(key) < _FUZZY_MIN or any(k in key or key in k for k in keys) or any(k in key for k in _all_keys()):
        return None
    best = process.extractOne(key, list(keys), scorer=fuzz.ratio, score_cutoff=_fuzzy_cutoff(len(key)))
    if best and _words_align(name, keys[best[0]]):
        return keys[best[0]]
    return _sounds_like(name, key, keys)


def _sound(text: str) -> str:
    """The Metaphone code of the letters run together: Whisper splits an unfamiliar name at other word
    boundaries ("citizens advice" as "sit in an advice"), which letters alone hardly match."""
    return jellyfish.metaphone("".join(ch for ch in text.lower() if ch.isalpha()))


@lru_cache(maxsize=4)
def _listed_sounds(keys: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str, list[str]], ...]:
    """(key, listed name, its Metaphone code, its words of three letters or more), computed once per
    list, not once per span tried."""
    return tuple((k, listed, _sound(listed), [w for w in re.findall(r"[a-z]+", listed.lower()) if len(w) >= 3])
                 for k, listed in keys)


def _sounds_like(name: str, key: str, keys: dict[str, str]) -> str | None:
    """A listed agency the heard words sound like: codes close, the letters not far off, the same
    opening sound, and every longer word heard close to a listed word (so "forward leads" is not
    the "forward trust")."""
    name = re.sub(r"^(?:(?:the|a|an|to|for)\s+)+", "", name.lower())      # "the some irritants"
    heard, letters = _sound(name), "".join(ch for ch in name if ch.isalpha())
    for k, listed, code, words in _listed_sounds(tuple(keys.items())):
        if heard[:2] != code[:2] or fuzz.ratio(heard, code) < 75 or max(fuzz.ratio(key, k), fuzz.ratio(letters, k)) < 65:
            continue
        # The name's last word is heard at the end too ("mental health has" is no "mental health team").
        said = re.findall(r"[a-z]+", name)
        if not words or max(fuzz.ratio(words[-1], said[-1]), fuzz.ratio(words[-1], "".join(said[-2:]))) < 50:
            continue
        if all(fuzz.ratio(w, y) >= 50 for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 5
               for y in [max(words, key=lambda y: fuzz.ratio(w, y))]):
            return listed
    return None


def _words_align(heard: str, listed: str) -> bool:
    """Every longer word on each side sounds like one on the other: "mental health nurse" is not the
    "mental health team" (a whole word differs), "changed road line" is "change grow live"."""
    # Articles are no part of the heard name: "the" is not the listed "team".
    a = [w for w in re.findall(r"[a-z]+", heard.lower()) if len(w) >= 3 and w not in _DROP]
    b = [w for w in re.findall(r"[a-z]+", listed.lower()) if len(w) >= 3]
    close = lambda x, ys: any(fuzz.ratio(x, y) >= 50 for y in ys)  # noqa: E731
    return all(close(w, b) for w in a if len(w) >= 4) and all(close(w, a) for w in b if len(w) >= 4)


def _fuzzy_mentions(p: Parsed) -> list[tuple[int, int]]:
    """Spans of up to four words that are a listed agency misheard."""
    doc, out, i = p.doc, [], 0
    while i < len(doc):
        t = doc[i]
        if not t.is_alpha or t.lower_ in _DROP or t.pos_ in ("PRON", "VERB", "AUX", "ADP"):
            i += 1
            continue
        found = None
        for k in (4, 3, 2):
            span = doc[i:i + k]
            if len(span) < k or any(not (x.is_alpha or x.text == "'s") for x in span):
                continue
            if listed_agency(span.text):
                found = (i, i + k)
                break
        j = i - 1
        while j >= 0 and doc[j].lower_ in _DROP:
            j -= 1
        if found and j >= 0 and doc[j].lower_ in ("for", "about", "of", "on", "with"):
            found = None          # "referred to Turning Point for the talking therapy": what for, not who
        if found:
            out.append(found)
            i = found[1]
        else:
            i += 1
    return out


_REFER_OBJECT = {"him", "her", "them", "me", "myself", "himself", "herself", "themselves", "to", "the", "a", "an",
                 "with", "into", "onto", "up"}


# How a corrected name is said after the correction marker: "..., no, sorry, it's the X now", "..., no,
# actually, I said X", "..., no, it was X".
_REPAIR_LEADS = (("it", "'s"), ("it", "is"), ("it", "was"), ("i", "said"), ("i", "mean"), ("i", "meant"),
                 ("that", "'s"), ("make", "that"))
_REPAIR_MARKERS = {"no", "sorry", "actually", "rather", "oh"}


def _blank(p: Parsed, i: int) -> bool:
    return p.doc[i].is_space or p.clean[p.doc[i].idx] == " "


def _skip_object(p: Parsed, j: int) -> int:
    """Past "him to the", blanked disfluencies, pauses and a filler Whisper wrote as "or" ("to, or, to")."""
    doc = p.doc
    while j < len(doc) and (doc[j].lower_ in _REFER_OBJECT or _blank(p, j) or doc[j].text == ","
                            or (doc[j].lower_ == "or" and j + 1 < len(doc) and doc[j + 1].text == ",")):
        j += 1
    return j


def _repair_lead(doc, j: int) -> int:
    """The index after a repair's lead words at ``j`` ("it's", "I said"), or ``j`` when there are none."""
    for a, b in _REPAIR_LEADS:
        if j + 1 < len(doc) and doc[j].lower_ == a and doc[j + 1].lower_ == b:
            return j + 2
    return j


def _after_repair(p: Parsed, k: int) -> int | None:
    """When the name ending at token ``k`` is corrected ("the Acme Trust, no, sorry, it's the Bravo Trust
    now", "to mine, no, actually, I said ..."), the index where the corrected name starts; else None.
    The last stated name is the one the officer meant."""
    doc, i, marked = p.doc, k, False
    # What the referral is for, said before the correction: "to step change for the debts, or no, ...".
    if i < len(doc) and doc[i].lower_ == "for":
        i = next((c for c in range(i + 1, min(len(doc), i + 6)) if doc[c].text in (",", ".")), None)
        if i is None:
            return None
    k = i
    while i < len(doc) and i - k <= 6 and (doc[i].text in (",", ".") or doc[i].lower_ in _REPAIR_MARKERS | {"or"}
                                           or _blank(p, i)):
        marked = marked or doc[i].lower_ in ("no", "sorry", "actually")
        i += 1
    if not marked or i >= len(doc):
        return None
    lead = _repair_lead(doc, i)
    # Without lead words only a capitalised or a listed name is read as the repair ("to Acme, no, Bravo",
    # "..., or no, citizens advice").
    if lead == i and not doc[i].text[:1].isupper() and _listed_end(p, i) is None:
        return None
    j = _skip_object(p, lead)
    if j >= len(doc) or doc[j].pos_ in ("PRON", "AUX") or (doc[j].pos_ == "VERB" and doc[j].dep_ != "compound"):
        return None
    return j


def _listed_end(p: Parsed, j: int) -> int | None:
    """The end of a listed agency (as listed, or misheard) starting at token ``j``, or None."""
    agencies, _ = _matchers()
    doc = p.doc
    hit = next((h.end for h in agencies(doc) if h.start == j), None)
    # Misheard, or listed but in another spelling ("citizen's advice").
    return hit or next((j + k for k in (4, 3, 2) if j + k <= len(doc) and all(x.is_alpha or x.text == "'s" for x in
                        doc[j:j + k]) and (listed_agency(doc[j:j + k].text) or normalise_name(doc[j:j + k].text)
                                           in _listed_keys())), None)


def _named_after_referral(p: Parsed, cues: dict[int, int] | None = None,
                          superseded: set[int] | None = None) -> list[tuple[int, int]]:
    """Any name right after "referred (him) to" / "signposted (her) to" / "a referral to" is the agency,
    listed or not ("self refer to Forward Leeds", "signposted him to GamCare", "We Are With You"):
    a run of capitalised words, or the noun phrase there. People (placeholders) are not agencies.
    A name the officer corrects is replaced by the corrected one; ``cues`` gets {name token: referral
    word} for every name, whose parse the correction has often broken, and ``superseded`` the tokens of
    every name corrected away."""
    doc, out = p.doc, []
    for t in doc:
        if not _is_referral_word(doc, t):
            continue
        # "composted for to": Whisper's "for" for "her"
        j = _skip_object(p, t.i + (2 if doc[t.i + 1:t.i + 3].text.lower() == "for to" else 1))
        if j < len(doc) and doc[j].lower_ in ("no", "sorry", "actually"):
            continue          # a restart: "referred to, no, signposted to Shelter" (read at the next cue)
        # The first name already blanked as a correction: "referred him to (Acme, no, sorry,) it's Bravo".
        if j > t.i + 1 and any(_blank(p, i) for i in range(t.i + 1, j)):
            j = _skip_object(p, _repair_lead(doc, j))
        if j < len(doc) and doc[j].pos_ == "PRON":
            j = _after_repair(p, j + 1) or j
        if j >= len(doc) or "[" in p.text[doc[j].idx:doc[j].idx + 1] or doc[j].pos_ in ("PRON", "AUX") \
                or (doc[j].pos_ == "VERB" and doc[j].dep_ != "compound" and _listed_end(p, j) is None):
            continue
        e = _name_end(p, j)
        if e is None:
            continue
        r = _after_repair(p, e)
        if r is not None and "[" not in p.text[doc[r].idx:doc[r].idx + 1]:
            if superseded is not None:
                superseded.update(range(j, e))
            j, e = r, _name_end(p, r) or r + 1
        if not any(doc[i].lower_ in _OWN for i in range(j, e)):
            out.append((j, e))
            if cues is not None:
                cues.update({i: t.i for i in range(j, e)})
    return out


def _name_end(p: Parsed, j: int) -> int | None:
    """The end of the agency's name starting at ``j``: a listed name misheard, a run of capitalised
    words, or the noun phrase there."""
    doc = p.doc
    listed = _listed_end(p, j)
    if listed:                # also misheard: "signposted him to citizens and mice" (Citizens Advice)
        return listed
    e = j
    while e < len(doc) and e - j < 5 and (doc[e].text[:1].isupper() or doc[e].text in ("'s", "-")) \
            and not doc[e].is_punct or (e < len(doc) and doc[e].text == "-"):
        e += 1
    if e == j:
        chunk = next((c for c in doc.noun_chunks if c.start <= j < c.end and c.root.i >= j), None)
        if chunk is None or chunk.root.pos_ == "PRON" or chunk.end - j > 5:
            return None
        e = chunk.end
    return e


# People, not agencies, when contacted: "contact the victim", "contact his mum".
_PEOPLE = {"victim", "victims", "neighbour", "neighbours", "landlord", "employer", "boss", "friend", "friends",
           "person", "people", "family", "him", "her", "them", "mum", "mom", "dad"} | \
    {w for w in NEEDS["relationships"] if " " not in w}


def _contacted(p: Parsed, cues: dict[int, int]) -> list[tuple[int, int]]:
    """The service the officer will contact, named as a common noun phrase right after the verb
    ("I'm going to contact environmental health tomorrow"): unlisted names have no service word to
    be found by. People are not agencies."""
    doc, out = p.doc, []
    chunks = {c.start: c for c in doc.noun_chunks}
    for t in doc:
        if t.lemma_.lower() != "contact" or t.pos_ != "VERB":
            continue
        j = _skip_object(p, t.i + 1)
        chunk = chunks.get(j) or (chunks.get(j - 1) if j and doc[j - 1].lower_ in _DROP else None)
        if chunk is None or chunk.root.pos_ != "NOUN" or len(chunk) > 4 or chunk.root.lower_ in _PEOPLE \
                or any(x.lower_ in _OWN or x.lower_ in _PEOPLE or "[" in x.text for x in chunk):
            continue
        out.append((chunk.start, chunk.end))
        cues.update({i: t.i for i in range(chunk.start, chunk.end)})
    return out


def _governing_cue(doc, s_tok: int, e_tok: int, cue_hits) -> int | None:
    """The cue that governs the mention: an ancestor of it in the parse ("referred back to the drug
    service", "the details of StepChange"), or right before it when Whisper's punctuation broke the parse."""
    sent = doc[s_tok].sent
    ancestors = set()
    for t in doc[s_tok:e_tok]:
        for a in t.ancestors:
            ancestors.add(a.i)
            # Stop at a clause with its own subject: "..., and Ellie will keep her GP appointment".
            if a.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in a.children):
                break
    best = None
    for a, b in cue_hits:
        if not (sent.start <= a < s_tok):
            continue
        if any(i in ancestors for i in range(a, b)) or 0 <= s_tok - b <= 3:
            best = a if best is None or a > best else best
    return best


def _trim(p: Parsed, start: int, end: int) -> tuple[int, int]:
    # Blanked disfluencies are no part of a name: "the, um, housing options team".
    blank = lambda i: p.doc[i].is_space or p.clean[p.doc[i].idx] == " "  # noqa: E731
    # A correction's marker is no part of the name after it either: "Or, no, citizens advice".
    while start < end and (p.doc[start].lower_ in _DROP | _REPAIR_MARKERS | {"or"} or p.doc[start].is_punct
                           or blank(start)):
        start += 1
    while end > start and (p.doc[end - 1].is_punct or blank(end - 1)):
        end -= 1
    return start, end


def referrals_field(p: Parsed, r: Regions) -> Field:
    agencies, cues = _matchers()
    doc = p.doc
    cue_hits = [(h.start, h.end) for h in cues(doc) if not is_negated(p, h.start, h.end)]
    cue_hits += [(t.i, t.i + 1) for t in doc if t.lemma_ in ("refer", "signpost", "inform", "notify", "liaise")
                 or (t.lemma_ == "contact" and t.pos_ == "VERB") or _is_referral_word(doc, t)]
    # A cue is a verb the officer (or the person) does, or a noun of referral: "contact" as a noun
    # ("contact with her daughter") is not one.
    cue_hits = [(a, b) for a, b in cue_hits if any(doc[i].pos_ in ("VERB", "AUX") or doc[i].lower_ in _CUE_NOUNS
                                                   for i in range(a, b))]
    mentions = [(h.start, h.end) for h in agencies(doc)]
    named_cue: dict[int, int] = {}
    superseded: set[int] = set()
    mentions += _named_after_referral(p, named_cue, superseded)
    mentions += _let_know(p)
    mentions += [m for m in _contacted(p, named_cue) if not any(s <= m[0] < e for s, e in mentions)]
    covered = {i for s, e in mentions for i in range(s, e)}
    mentions += [(s, e) for s, e in _fuzzy_mentions(p) if not any(i in covered for i in range(s, e))]
    covered = {i for s, e in mentions for i in range(s, e)}
    chunks = list(doc.noun_chunks)      # computed once: each call walks the whole parse
    chunk_of = {i: c for c in chunks for i in range(c.start, c.end)}
    for chunk in chunks:
        if chunk.root.lower_ in AGENCY_HEADS and not any(i in covered for i in range(chunk.start, chunk.end)):
            mentions.append((chunk.start, chunk.end))
    # A name the officer corrected is not referred to ("the Acme Project, no, sorry, it's the Bravo Project").
    mentions = [(s, e) for s, e in mentions if not any(i in superseded for i in range(s, e))]
    # Names said back to back are one ("the council" + "housing options team").
    mentions.sort()
    merged: list[tuple[int, int]] = []
    for s, e in mentions:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    # An agency's own organisation said after it is no second referral: "the housing options team at
    # the council", "the drug team from the council".
    mentions = [m for k, m in enumerate(merged) if not (k and 0 < m[0] - merged[k - 1][1] <= 2 and all(
        doc[i].lower_ in ("at", "from", "of", "in", "the") for i in range(merged[k - 1][1], m[0])))]
    # Widen a listed name to its noun phrase ("Samaritans" -> "Samaritans helpline").
    widened = []
    for s, e in mentions:
        chunk = chunk_of.get(s)
        chunk = chunk if chunk is not None and e <= chunk.end else None
        if chunk is not None and (chunk.root.i == e - 1 or chunk.root.lower_ in AGENCY_HEADS):
            s, e = chunk.start, chunk.end
        widened.append((s, e))
    values, evidence, seen = [], [], set()
    for s_tok, e_tok in sorted(set(widened)):
        if any(doc[i].lower_ in _OWN for i in range(s_tok, e_tok)):
            continue
        cue = _governing_cue(doc, s_tok, e_tok, cue_hits)
        if cue is None:
            cue = _plan_cue(doc, s_tok, e_tok)
        if cue is None:
            cue = next((named_cue[i] for i in range(s_tok, e_tok) if i in named_cue), None)
        if cue is None:
            continue
        s_tok, e_tok = _trim(p, s_tok, e_tok)
        if s_tok >= e_tok or doc[s_tok].pos_ == "PRON":
            continue
        s, e = p.chars(s_tok, e_tok)
        if r.in_appointment(s):
            continue
        # The name as meant: a repeat or filler blanked inside it is no part of it ("the drug service
        # service", "housing, um, options team"); the evidence keeps the words said.
        name = p.text[s:e] if p.clean[s:e] == p.text[s:e] else " ".join(p.clean[s:e].split())
        # A listed name misheard is reported as listed; the evidence keeps the words heard.
        name = listed_agency(name) or name
        key = normalise_name(name)
        cs, ce = p.chars(cue, cue + 1)
        known = next((v for v in values if key and (normalise_name(v) in key or key in normalise_name(v))), None)
        evidence.append(Evidence(min(cs, s), e, p.text[min(cs, s):e], supports=known or name))
        same = next((k for k in seen if key and (key in k or k in key) and min(len(k), len(key)) >= 4), None)
        if key and same is None:
            seen.add(key)
            values.append(name)
    return Field("referrals", values, evidence, None if values else "no referral, signposting or contact was said")
