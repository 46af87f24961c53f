"""Negation and hedging of a cue, judged within its clause ("no concerns about alcohol", "she denied any
thoughts of self harm", "I asked whether ... and he said no"); hedges ("a possible breach") keep the cue
but are reported, since a hedged concern is still a concern raised."""
from __future__ import annotations

from assistant.extraction.lexicons import HEDGES, NEGATIONS, POST_NEGATIONS
from assistant.extraction.nlp import Parsed

__all__ = ["is_negated", "hedge_word"]


# "not sure whether", "don't know if": uncertainty, which hedges a concern rather than negating it.
_UNSURE = {"sure", "unsure", "know", "wonder", "wondering", "unclear", "worried", "concerned", "check", "checking",
           "clear", "certain"}
# Said after a list of risks: "weapons and further offending, no concerns there".
_AFTER_NONE = {("no", "concerns"), ("no", "concern"), ("no", "worries"), ("no", "issues"), ("no", "issue"),
               ("no", "problems"), ("not", "a"), ("not", "an"), ("none", None), ("nothing", None), ("no", "evidence")}


def _unsure_whether(doc, i: int) -> bool:
    """Token ``i`` is "whether"/"if" after a word of uncertainty ("not sure whether", "unsure if")."""
    return doc[i].lower_ in ("whether", "if") and any(t.lower_ in _UNSURE for t in doc[max(0, i - 3):i])


def _answered_no(doc, sent) -> bool:
    """"Any concerns about domestic abuse? No." / "... ? None.": a question answered no."""
    if sent.end >= len(doc) or doc[sent.end - 1].text != "?":
        return False
    nxt = doc[sent.end]
    return nxt.lower_ in ("no", "none", "nope", "not", "nothing", "negative")


def is_negated(p: Parsed, start: int, end: int) -> bool:
    """True when the cue at tokens [start, end) is negated, questioned or conditional in its clause.
    A negation before a coordinated list covers every item ("no worries about weapons or further
    offending"): the clause runs on over "or"/"and" and commas that start no new subject."""
    doc = p.doc
    c0, _ = p.clause(start)
    # "not sure whether he has relapsed" is hedged (see hedge_word): only a negation after it counts.
    unsure = [t.i for t in doc[c0:start] if _unsure_whether(doc, t.i)]
    if unsure:
        c0 = unsure[-1] + 1
    for t in doc[c0:start]:
        if t.lower_ in NEGATIONS or t.dep_ == "neg":
            return True
    sent = doc[start].sent
    if _answered_no(doc, sent) and start > sent.start and any(t.lower_ in ("any", "concerns", "worries", "issues")
                                                              for t in doc[sent.start:start]):
        return True
    # After the cue: "... was negative", "... and he said no", "... which he denied", "..., no concerns there".
    for i in range(end, min(sent.end, end + 12)):
        t = doc[i]
        if t.lower_ in POST_NEGATIONS:
            return True
        if t.lower_ == "no" and i > 0 and doc[i - 1].lemma_ in ("say", "answer", "reply"):
            return True
        nxt = doc[i + 1].lower_ if i + 1 < sent.end else None
        if (i > end and doc[i - 1].is_punct and ((t.lower_, nxt) in _AFTER_NONE or (t.lower_, None) in _AFTER_NONE)
                and (nxt is None or nxt not in ("further", "new") or t.lower_ != "no")):
            return True
        if t.lower_ in ("but", "although", "though", "however"):
            break
    return False


def hedge_word(p: Parsed, start: int, end: int) -> str | None:
    c0, c1 = p.clause(start)
    for t in p.doc[c0:c1]:
        if t.lower_ in HEDGES:
            return t.text
        if _unsure_whether(p.doc, t.i):
            s = max(c0, t.i - 3)
            return p.text[p.doc[s].idx:t.idx + len(t.text)]
    return None
