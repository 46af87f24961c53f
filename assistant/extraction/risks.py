"""Risk flags raised as concerns in this contact.

A cue counts unless negated in its clause ("no contact with the victim", "she denied any thoughts of
self harm", "I asked whether ... and he said no"). Hedged cues ("a possible breach") still count and
are named in the field's reason. "No risk issues were raised" gives an empty list with that sentence
as evidence."""
from __future__ import annotations

import re

from spacy.matcher import Matcher

from assistant.extraction.lexicons import DRUG_WORDS, RISKS
from assistant.extraction.negation import hedge_word, is_negated
from assistant.extraction.nlp import LexiconMatcher, Parsed, load_nlp, spaced
from assistant.extraction.regions import Regions
from assistant.extraction.schema import Evidence, Field

__all__ = ["risks_field"]

_lex: LexiconMatcher | None = None
_pat: Matcher | None = None
_NONE_SAID = spaced(r"\b(?:no|not any|nil)\s+(?:other\s+|further\s+|new\s+)?(?:risk|safeguarding)\b[^.]*|"
                        r"\bno (?:other |further )?concerns (?:were|have been|was|are) (?:raised|identified|noted)[^.]*",
                        re.IGNORECASE)
_CHILD = {"son", "daughter", "child", "children", "baby", "kids", "toddler", "grandchild"}
_CONCERN = {"concerned", "worried", "concern", "concerns", "worry", "worries"}
_PARTNER = {"partner", "ex", "girlfriend", "boyfriend", "wife", "husband", "ex-partner", "spouse"}
_HARM = ("threat", "frighten", "scared", "afraid", "hit", "assault", "punch", "push", "strangl", "choke", "control",
         "abus", "violen", "harass", "stalk", "intimidat", "bruis")
_CONTACT = {"contact", "contacted", "contacting", "message", "messaged", "messages", "text", "texted", "called",
            "phoned", "approached", "visited", "wrote", "letter", "turned", "went", "touch", "seen", "saw", "met",
            "seeing", "meeting", "messaging", "texting", "calling", "ringing"}


def _matchers():
    global _lex, _pat
    if _lex is None:
        _lex = LexiconMatcher(RISKS)
        _pat = Matcher(load_nlp().vocab)
        # "used cocaine", "admitted using heroin", "took spice" (a use reported, not a habit described).
        _pat.add("substance_relapse", [
            [{"LOWER": {"IN": ["used", "took", "smoked", "injected"]}}, {"POS": "DET", "OP": "?"},
             {"LOWER": {"IN": DRUG_WORDS}}],
            [{"LOWER": {"IN": ["admitted", "admits", "disclosed"]}}, {"LOWER": {"IN": ["using", "taking", "smoking",
                                                                                        "drinking"]}}],
            [{"LEMMA": {"IN": ["drink", "use", "smoke", "take"]}}, {"IS_PUNCT": False, "OP": "{0,4}"},
             {"LOWER": "again"}],
        ])
    return _lex, _pat


def _extra_hits(p: Parsed) -> list[tuple[str, int, int]]:
    """Cues that need two words in one sentence: victim + contact, concern + a child's welfare, a partner +
    harm."""
    out = []
    lower = [t.lower_ for t in p.doc]
    has_child = any(w in _CHILD for w in lower)
    for sent in p.sents:
        words = lower[sent.start:sent.end]
        at = lambda pred: next((sent.start + k for k, w in enumerate(words) if pred(k, w)), None)  # noqa: E731
        victim = at(lambda k, w: w in ("victim", "victims", "victim's"))
        contact = at(lambda k, w: w in _CONTACT)
        if victim is not None and contact is not None:
            a, b = sorted([victim, contact])
            out.append(("victim_contact", a, b + 1))
        # A partner and harm in one sentence: "her ex partner ... threatening messages ... frightened".
        partner = at(lambda k, w: w in _PARTNER)
        harm = at(lambda k, w: w.startswith(_HARM))
        if partner is not None and harm is not None:
            a, b = sorted([partner, harm])
            out.append(("domestic_abuse", a, b + 1))
        if has_child:
            concern = at(lambda k, w: w in _CONCERN)
            welfare = at(lambda k, w: w in ("welfare", "safety") and
                         (k + 1 >= len(words) or words[k + 1] not in ("check", "plan")))
            if concern is not None and welfare is not None:
                a, b = sorted([concern, welfare])
                out.append(("child_safeguarding", a, b + 1))
    return out


def risks_field(p: Parsed, r: Regions) -> Field:
    lex, pat = _matchers()
    hits = [(h.label, h.start, h.end) for h in lex(p.doc)]
    hits += [(p.doc.vocab.strings[m], s, e) for m, s, e in pat(p.doc)]
    hits += _extra_hits(p)
    hits.sort(key=lambda h: h[1])
    values, evidence, hedges = [], [], []
    for label, s_tok, e_tok in hits:
        s, e = p.chars(s_tok, e_tok)
        if r.in_appointment(s) or is_negated(p, s_tok, e_tok):
            continue
        if label not in values:
            values.append(label)
        evidence.append(Evidence(s, e, p.text[s:e], supports=label))
        h = hedge_word(p, s_tok, e_tok)
        if h and label not in [x[0] for x in hedges]:
            hedges.append((label, h))
    if values:
        reason = ("hedged: " + "; ".join(f"{lab} ('{h}')" for lab, h in hedges)) if hedges else None
        return Field("risk_flags", values, evidence, reason)
    m = _NONE_SAID.search(p.clean)
    if m:
        s, e = m.start(), m.end()
        return Field("risk_flags", [], [Evidence(s, e, p.text[s:e])], "the officer said no risk concerns were raised")
    return Field("risk_flags", [], [], "no risk concern was raised")
