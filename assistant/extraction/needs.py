"""Need areas discussed, from the curated lexicon plus a few part-of-speech patterns.

"No concerns about alcohol" still means alcohol was *discussed*; only "we did not discuss ..." removes
a need. Mentions inside the next-appointment sentence do not count."""
from __future__ import annotations

import re

from spacy.matcher import Matcher

from assistant.extraction.lexicons import NEEDS, NOT_DISCUSSED
from assistant.extraction.nlp import LexiconMatcher, Parsed, load_nlp
from assistant.extraction.regions import Regions
from assistant.extraction.schema import Evidence, Field

__all__ = ["needs_field"]

_lex: LexiconMatcher | None = None
_pos: Matcher | None = None


def _matchers():
    global _lex, _pos
    if _lex is None:
        _lex = LexiconMatcher(NEEDS)
        _pos = Matcher(load_nlp().vocab)
        # "work" as a noun after words that make it a job ("looking for work", "at work", "his work").
        _pos.add("employment_education", [[{"LOWER": {"IN": ["for", "to", "at", "into", "of", "his", "her", "their",
                                                            "find", "paid", "full-time", "part-time", "no"]}},
                                           {"LOWER": "work", "POS": "NOUN"}],
                                          [{"LOWER": {"IN": ["working", "works"]}}, {"LOWER": {"IN": ["at", "as", "in",
                                                                                                      "for"]}}]])
        # "benefits" as money ("her benefits", "on benefits"), not "costs and benefits".
        _pos.add("finance", [[{"LOWER": {"IN": ["his", "her", "their", "on", "claiming", "claim"]}},
                              {"LOWER": "benefits"}]])
    return _lex, _pos


def needs_field(p: Parsed, r: Regions) -> Field:
    lex, pos = _matchers()
    hits = [(h.label, h.start, h.end) for h in lex(p.doc)]
    hits += [(p.doc.vocab.strings[m], s, e) for m, s, e in pos(p.doc)]
    hits.sort(key=lambda h: h[1])
    values, evidence = [], []
    for label, s_tok, e_tok in hits:
        s, e = p.chars(s_tok, e_tok)
        if r.in_appointment(s):
            continue
        c0, c1 = p.clause(s_tok)
        clause = p.doc[c0:c1].text.lower()
        if any(phrase in clause for phrase in NOT_DISCUSSED):
            continue
        if label not in values:
            values.append(label)
        evidence.append(Evidence(s, e, p.text[s:e], supports=label))
    values, evidence = _relationships_discussed(p, values, evidence)
    return Field("needs_discussed", values, evidence, None if values else "no need area was mentioned")


# Words that make relationships the subject of the talk, not a passing mention of a relative.
_RELATIONSHIP_TOPIC = ("relationship", "split up", "broke up", "break up", "separated", "divorce", "custody",
                       "contact with", "got contact", "has contact", "arguing", "argument", "rows", "fell out",
                       "falling out", "getting on", "pregnan", "family court", "child maintenance", "family",
                       "back together", "moved out", "moved back", "proud of", "supportive", "support from",
                       "living with", "lives with", "live with", "ex partner", "ex-partner", "ex wife", "ex-wife",
                       "in care", "access to", "visits", "seeing her", "seeing his", "seeing the")


_WORD = re.compile(r"[\w'-]+")
_REACH_WORDS = 15    # about the 80 characters either side this once read, but counted in words


def _words_around(clean: str, start: int, end: int) -> str:
    """The evidence and the words said either side of it, lower-cased. Counted in words of the
    cleaned text, so a filler or a repeat the disfluency layer blanked moves nothing in or out."""
    before = _WORD.findall(clean[:start])[-_REACH_WORDS:]
    after = _WORD.findall(clean[end:])[:_REACH_WORDS]
    return " ".join(before + [clean[start:end]] + after).lower()


def _relationships_discussed(p: Parsed, values: list, evidence: list) -> tuple[list, list]:
    """Spontaneous dictations name relatives in passing ("I rang his partner Shauna", "he's at his
    mum's"); that is not the relationships need. It counts when relatives come up in two sentences,
    or once with words that make the relationship the topic."""
    rel = [ev for ev in evidence if ev.supports == "relationships"]
    if not rel:
        return values, evidence
    sents = {p.doc.char_span(ev.start, ev.end, alignment_mode="expand").sent.start for ev in rel}
    topic = any(w in _words_around(p.clean, ev.start, ev.end) for ev in rel for w in _RELATIONSHIP_TOPIC)
    if len(sents) >= 2 or topic:
        return values, evidence
    return [v for v in values if v != "relationships"], [ev for ev in evidence if ev.supports != "relationships"]
