"""Negation and hedging of a cue, judged within its clause ("no concerns about alcohol", "she denied any
thoughts of self harm", "I asked whether ... and he said no"); hedges ("a possible breach") keep the cue
but are reported, since a hedged concern is still a concern raised."""
from __future__ import annotations

from assistant.extraction.lexicons import HEDGES, NEGATIONS, POST_NEGATIONS
from assistant.extraction.nlp import Parsed

__all__ = ["is_negated", "hedge_word"]


def is_negated(p: Parsed, start: int, end: int) -> bool:
    """True when the cue at tokens [start, end) is negated, questioned or conditional in its clause."""
    doc = p.doc
    c0, _ = p.clause(start)
    for t in doc[c0:start]:
        if t.lower_ in NEGATIONS or t.dep_ == "neg":
            return True
    sent = doc[start].sent
    # After the cue: "... was negative", "... and he said no", "... which he denied".
    for i in range(end, min(sent.end, end + 12)):
        t = doc[i]
        if t.lower_ in POST_NEGATIONS:
            return True
        if t.lower_ == "no" and i > 0 and doc[i - 1].lemma_ in ("say", "answer", "reply"):
            return True
    return False


def hedge_word(p: Parsed, start: int, end: int) -> str | None:
    c0, c1 = p.clause(start)
    for t in p.doc[c0:c1]:
        if t.lower_ in HEDGES:
            return t.text
    return None
