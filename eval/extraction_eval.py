"""Field scores of extraction on Whisper transcripts of synthesised gold dictations.

Scoring, per dictation and voice:
- ``contact_date``, ``contact_type``, ``attendance``, ``next_appointment``: exact match (1 or 0; a null
  appointment matches a null gold);
- ``needs_discussed``, ``risk_flags``: set F1 of codes (two empty sets score 1);
- ``referrals``: set F1 of names, where a predicted name matches a gold one when, lowercased with
  leading articles/"local" and all non-letters removed, one contains the other ("the local domestic
  abuse service" ~ "domestic abuse service", "step change" ~ "StepChange");
- ``actions``: against the gold ``actions_count``: 1 - |predicted - gold| / max(predicted, gold)
  (two zeros score 1).
The mean is the mean of the eight field means. Transcripts are redacted first when
``redaction.redact`` exists (the pipeline extracts from redacted text), unless ``redact=False``.
"""
from __future__ import annotations

import datetime as dt
from statistics import mean

from assistant.extraction import FIELD_NAMES, extract
from assistant.extraction.referrals import normalise_name

__all__ = ["score_fields", "evaluate_extraction", "evaluate_texts", "redactor", "format_table"]

EXACT = ("contact_date", "contact_type", "attendance", "next_appointment")
CODES = ("needs_discussed", "risk_flags")


def _f1(pred: list, gold: list, same=lambda a, b: a == b) -> float:
    if not pred and not gold:
        return 1.0
    if not pred or not gold:
        return 0.0
    unmatched, tp = list(gold), 0
    for p in pred:
        hit = next((g for g in unmatched if same(p, g)), None)
        if hit is not None:
            unmatched.remove(hit)
            tp += 1
    if tp == 0:
        return 0.0
    prec, rec = tp / len(pred), tp / len(gold)
    return 2 * prec * rec / (prec + rec)


def _same_name(a: str, b: str) -> bool:
    a, b = normalise_name(a), normalise_name(b)
    # The same name always matches ("GP" ~ "GP"); only containment needs a few letters.
    return bool(a and b) and (a == b or ((a in b or b in a) and min(len(a), len(b)) >= 3))


def score_fields(predicted: dict, gold: dict) -> dict[str, float]:
    """``predicted``: {name: value} from an Extraction; ``gold``: the gold item's ``fields``."""
    s = {}
    for f in EXACT:
        s[f] = float(predicted.get(f) == gold.get(f))
    for f in CODES:
        s[f] = _f1(list(dict.fromkeys(predicted.get(f) or [])), list(gold.get(f) or []))
    s["referrals"] = _f1(predicted.get("referrals") or [], list(gold.get("referrals") or []), _same_name)
    n, g = len(predicted.get("actions") or []), int(gold.get("actions_count", 0))
    s["actions"] = 1.0 if n == g else 1 - abs(n - g) / max(n, g)
    return {f: s[f] for f in FIELD_NAMES}


def redactor():
    """``redaction.redact`` if the redaction package provides it yet, else None."""
    try:
        from redaction import redact
    except ImportError:
        return None
    return redact


def evaluate_texts(rows: list[tuple[dict, str, str]], redact: bool | None = None) -> dict:
    """Score ``rows`` of (gold item, voice or source label, transcript text)."""
    red = redactor() if redact in (None, True) else None
    if redact is True and red is None:
        raise RuntimeError("redaction.redact is not available")
    items = []
    for item, voice, text in rows:
        if red is not None:
            text = red(text).text
        x = extract(text, dt.date.fromisoformat(item["dictation_date"]))
        predicted = {n: f.value for n, f in x.fields.items()}
        items.append({"id": item["id"], "voice": voice, "scores": score_fields(predicted, item["fields"]),
                      "predicted": predicted, "gold": item["fields"], "text": text})
    return {"n": len(items), "redacted": red is not None, **_summary(items),
            "by_voice": {v: _summary([i for i in items if i["voice"] == v])
                         for v in dict.fromkeys(i["voice"] for i in items)},
            "items": items}


def _summary(items: list[dict]) -> dict:
    if not items:
        return {"fields": {f: None for f in FIELD_NAMES}, "mean": None}
    fields = {f: round(mean(i["scores"][f] for i in items), 4) for f in FIELD_NAMES}
    return {"fields": fields, "mean": round(mean(fields.values()), 4)}


def evaluate_extraction(gold_transcripts, redact: bool | None = None) -> dict:
    """Score extraction on ``eval.gold.GoldTranscript`` objects (Whisper transcripts of synthesised gold
    dictations, from ``eval.gold.transcribe_gold``). Returns per-field scores, their mean, the same per
    voice, and every item's predicted and gold values."""
    return evaluate_texts([(g.item, g.voice, g.transcript.text) for g in gold_transcripts], redact)


def format_table(result: dict) -> str:
    """A Markdown table: one row per field, a column per voice and the overall score."""
    voices = list(result["by_voice"])
    head = "| field | " + " | ".join(voices) + " | all |\n|---|" + "---:|" * (len(voices) + 1)
    rows = []
    for f in FIELD_NAMES + ("mean",):
        vals = [result["by_voice"][v]["mean" if f == "mean" else "fields"] for v in voices]
        vals = [v if f == "mean" else v[f] for v in vals]
        total = result["mean"] if f == "mean" else result["fields"][f]
        cells = " | ".join(f"{x:.3f}" if x is not None else "-" for x in vals + [total])
        rows.append(f"| {'**mean**' if f == 'mean' else f} | {cells} |")
    return "\n".join([head] + rows) + f"\n\n{result['n']} transcripts; redacted first: {result['redacted']}"
