"""Actions: who will do what, each as the officer said it.

When the officer says "Actions:", the list after it (up to the next appointment) holds all the actions;
without that marker, commitments anywhere in the account count. A commitment is a base-form verb after
"will", "'ll", "shall", "must", "needs to", "agreed to" or a person's "X to" ("Nathan to send ...");
a verb coordinated with one ("... today and discuss the case") is a further action with the same
subject. Purpose clauses ("to check on her") and relative clauses ("who will call her") are not
actions. Each action's text runs from its subject (or verb) to where the next action starts.

Whisper's punctuation makes the parse tree of such lists unreliable, so this reads tags and word
order rather than dependencies."""
from __future__ import annotations

import re

from spacy.tokens import Token

from assistant.extraction.nlp import Parsed
from assistant.extraction.regions import Regions
from assistant.extraction.schema import Evidence, Field

__all__ = ["actions_field"]

_MODALS = {"will", "'ll", "shall", "must", "should", "wo", "'d"}
_COMMIT = {"needs", "need", "agreed", "agrees", "going", "has", "have", "is", "are", "promised"}
_SUBJECTS = {"i", "he", "she", "we", "they", "you"}
_NOT_PEOPLE = {"it", "this", "that", "there", "which", "who", "what", "these", "those"}
_SKIP = {"also", "then", "now", "not", "n't", "both", "either", "first", "still", "definitely", "probably", "try"}
# Words between a subject and "going to"/"needs to": "I'm going to", "she's going to", "we are going to".
_BE = {"'m", "am", "'s", "is", "'re", "are", "was", "were", "has", "have", "'ve", "also", "just", "really"}
# A subject right after these is inside a condition or report, not a commitment ("to see if they'll
# hold off", "she said that he'll ...").
_SUBORDINATE = {"if", "whether", "when", "unless", "until", "till", "before", "that", "because", "once", "whatever"}
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
             "christmas", "easter", "today", "tomorrow"}
_NONE = re.compile(r"^\W*(?:none|no actions?|nothing|nil|n/a)\b", re.IGNORECASE)


def _back(doc, i: int, lo: int) -> int:
    """Index of the token before ``i``, skipping adverbs such as "also"; lo - 1 if none."""
    j = i - 1
    while j >= lo and (doc[j].lower_ in _SKIP or doc[j].is_space
                       or (doc[j].pos_ == "ADV" and doc[j].lower_ not in ("to",))):
        j -= 1
    return j


def _person(t: Token) -> bool:
    if t.lower_ in _CALENDAR or (t.i > 0 and t.doc[t.i - 1].lower_ in _SUBORDINATE):
        return False
    return t.lower_ in _SUBJECTS or (t.pos_ == "PROPN" and t.lower_ not in _NOT_PEOPLE) or \
        (t.tag_ in ("NNP", "NN") and t.text[:1].isupper() and t.i > 0 and not t.is_sent_start)


def _starts(doc, lo: int, hi: int, marked: bool) -> list[int]:
    """Token index where each action starts."""
    starts: list[int] = []
    has_action_in_sent: dict[int, bool] = {}
    for v in doc[lo:hi]:
        if (v.tag_ != "VB" or v.pos_ not in ("VERB", "AUX")) and not _tagged_as_noun_after_to(doc, v, lo):
            continue
        if v.lower_ == "be" and v.i + 1 < len(doc) and doc[v.i + 1].tag_ == "VBN":
            continue          # "time to be confirmed", "he's to be recalled": a state, not a task
        sent = v.sent.start
        j = _back(doc, v.i, lo)
        if j < lo:
            if marked and not starts:     # "Actions: book the GP appointment."
                starts.append(v.i)
                has_action_in_sent[sent] = True
            continue
        prev = doc[j]
        start = None
        if prev.lower_ in _MODALS:
            k = _back(doc, j, lo)
            subj = doc[k] if k >= lo else None
            if subj is None or subj.lower_ in _NOT_PEOPLE:
                continue
            if not marked and subj.i > 0 and doc[subj.i - 1].lower_ in _SUBORDINATE:
                continue          # "to see if they'll hold off": a condition, not a task (the
                # officer's own "Actions:" list counts each item, however Whisper garbled its start)
            if _person(subj):
                start = subj.i
            elif marked or has_action_in_sent.get(sent):
                start = j
        elif prev.lower_ == "to":
            k = _back(doc, j, lo)
            subj = doc[k] if k >= lo else None
            if subj is not None and _person(subj) and subj.pos_ in ("PROPN", "PRON", "NOUN"):
                start = subj.i                                  # "Nathan to send ..."
            elif subj is not None and subj.lower_ in _COMMIT:
                start = _subject_before(doc, k, lo)             # "he needs to register ..."
            elif subj is not None and subj.lower_ == "and" and has_action_in_sent.get(sent):
                start = j                                       # "... and to send me ..."
            elif subj is None and marked:
                start = j
            elif marked and subj is not None and not has_action_in_sent.get(sent) and k <= max(lo, v.sent.start) + 1:
                start = k                                       # "Actions: <misheard name> to call ..."
        elif prev.lower_ == "and" and has_action_in_sent.get(sent):
            start = v.i                                          # "... today and discuss the case"
        if start is not None and (not starts or start > starts[-1]):
            starts.append(start)
            has_action_in_sent[sent] = True
    return starts


def _tagged_as_noun_after_to(doc, v: Token, lo: int) -> bool:
    """spaCy's small model tags verbs that double as nouns as nouns: "to book a", "to fax the",
    "to text his". Between "to" and a determiner such a word is a verb all the same."""
    return (v.pos_ == "NOUN" and v.i - 1 >= lo and doc[v.i - 1].lower_ == "to" and v.i + 1 < len(doc)
            and doc[v.i + 1].tag_ in ("DT", "PRP$"))


def _subject_before(doc, k: int, lo: int) -> int | None:
    j = k - 1
    while j >= lo and (doc[j].lower_ in _SKIP | _BE or doc[j].is_space):
        j -= 1
    return j if j >= lo and _person(doc[j]) else None


def actions_field(p: Parsed, r: Regions) -> Field:
    doc = p.doc
    marked = r.actions is not None
    if marked:
        lo_c, hi_c = r.actions
        if _NONE.match(p.clean[lo_c:hi_c]):
            return Field("actions", [], [], "the officer said there were no actions")
        ranges = [(lo_c, hi_c)]
    elif r.appointment and not r.fallback:
        # Spontaneous dictation says actions anywhere, also after the next appointment ("... at three.
        # He's going to bring the contract in"); only the appointment's own sentence is left out.
        ranges = [(0, r.appointment[0]), (r.appointment[1], len(p.text))]
    else:
        ranges = [(0, len(p.text))]
    values, evidence = [], []
    for lo_c, hi_c in ranges:
        span = doc.char_span(lo_c, hi_c, alignment_mode="contract") if hi_c > lo_c else None
        if span is not None and len(span):
            _collect(p, span.start, span.end, marked, values, evidence)
    return Field("actions", values, evidence, None if values else "no action was said")


def _collect(p: Parsed, lo: int, hi: int, marked: bool, values: list, evidence: list) -> None:
    doc = p.doc
    starts = [s for s in _starts(doc, lo, hi, marked) if s is not None]
    for n, s_tok in enumerate(starts):
        end = min(doc[s_tok].sent.end, hi, starts[n + 1] if n + 1 < len(starts) else hi)
        # A relative clause describes someone else's doing: "..., who will call her today".
        end = next((t for t in range(s_tok + 1, end) if doc[t].lower_ in ("who", "which")
                    and doc[t - 1].text == ","), end)
        while end > s_tok and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("and", "then", "also")):
            end -= 1
        if end <= s_tok:
            continue
        s, e = p.chars(s_tok, end)
        text = p.text[s:e]
        values.append(text)
        evidence.append(Evidence(s, e, text, supports=text))
