"""Need areas discussed, from the curated lexicon plus a few part-of-speech patterns.

"No concerns about alcohol" still means alcohol was *discussed*; only "we did not discuss ..." removes
a need. Mentions inside the next-appointment sentence do not count."""
from __future__ import annotations

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
    return Field("needs_discussed", values, evidence, None if values else "no need area was mentioned")
