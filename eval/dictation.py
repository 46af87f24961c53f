"""The whole pipeline on gold dictations, in one report: speech is synthesised on this device from
each item's ``spoken`` text (``eval.gold.transcribe_gold``, cached), transcribed by the real model
with the product's settings (no domain hotwords unless configured), then scored for

- transcription: WER/CER against ``spoken`` (``eval.wer``), per voice;
- redaction: leak rate and must-keep retention (``eval.redaction_eval``, reused, not re-implemented);
- extraction: field scores (``eval.extraction_eval``, reused) on the redacted transcript, as the
  pipeline runs it.
"""
from __future__ import annotations

import json
import time

from assistant.transcribe import TranscribeOptions
from eval.gold import transcribe_gold
from eval.report import pct
from eval.wer import score_corpus

__all__ = ["evaluate_dictations"]


def _wer_section(runs, voices) -> tuple[dict, dict]:
    rows, by_voice, per_item = [], {}, []
    for voice in voices:
        vr = [r for r in runs if r.voice == voice]
        score, utts = score_corpus([r.item["spoken"] for r in vr], [r.transcript.text for r in vr],
                                   [r.item["id"] for r in vr])
        audio_s = sum(r.transcript.duration_s for r in vr)
        by_voice[voice] = {"wer": round(score.wer, 6), "cer": round(score.cer, 6),
                           "ci95": [round(x, 6) for x in score.ci95], "dictations": score.utterances,
                           "words": score.words, "audio_s": round(audio_s, 2),
                           "top_substitutions": [list(t) for t in score.top_substitutions[:10]]}
        rows.append([voice, score.utterances, score.words, pct(score.wer, 2),
                     f"{100 * score.ci95[0]:.1f}-{100 * score.ci95[1]:.1f}%", pct(score.cer, 2), round(audio_s, 1),
                     ", ".join(f"{r} → {h} ({n})" for r, h, n in score.top_substitutions[:5])])
        per_item += [{"voice": voice, **u.to_dict()} for u in utts]
    section = {"title": "Transcription (WER against the spoken text)",
               "headers": ["voice", "dictations", "words", "WER", "95% CI", "CER", "audio (s)", "top substitutions"],
               "rows": rows,
               "notes": ["Speech synthesised on this device (espeak-ng, Piper); real speech is harder.",
                         "Normaliser: Whisper's English normaliser on both sides (British = American spelling)."]}
    return section, {"by_voice": by_voice, "per_dictation": per_item}


def _redaction_section(runs, voices) -> tuple[list[dict], dict]:
    from eval.redaction_eval import evaluate_redaction

    res = {"all": evaluate_redaction(runs)}
    res.update({v: evaluate_redaction([r for r in runs if r.voice == v]) for v in voices})
    rows = [[k, r["items_present"], r["items_leaked"], pct(r["leak_rate"], 1), r["must_keep"]["present"],
             r["must_keep"]["kept"], pct(r["must_keep"]["retention"], 1)] for k, r in res.items()]
    types = sorted({t for r in res.values() for t in r["per_type"]})
    type_rows = [[t] + [f"{res[k]['per_type'][t]['leaked']}/{res[k]['per_type'][t]['present']}"
                        if t in res[k]["per_type"] else "-" for k in res] for t in types]
    leaks = [[x["id"], x["voice"], x["type"], json.dumps(x["test"], ensure_ascii=False)] for x in res["all"]["leaks"]]
    lost = [[x["id"], x["voice"], x["phrase"]] for x in res["all"]["lost"]]
    sections = [
        {"title": "Redaction: leak rate and must-keep retention",
         "headers": ["voice", "items present", "leaked", "leak rate", "must-keep present", "kept", "retention"],
         "rows": rows,
         "notes": ["Scored by eval.redaction_eval on the Whisper transcript: an item counts only when the "
                   "transcript contains it (a misheard name cannot leak under its gold spelling)."]},
        {"title": "Redaction: leaked / present per type", "headers": ["type", *res], "rows": type_rows},
        {"title": "Redaction: leaks (gold test that failed)", "headers": ["id", "voice", "type", "gold test"],
         "rows": leaks or [["-", "-", "-", "none"]]},
        {"title": "Redaction: must-keep phrases removed", "headers": ["id", "voice", "phrase"],
         "rows": lost or [["-", "-", "none"]]},
    ]
    return sections, res


def _extraction_section(runs, voices) -> tuple[dict, dict]:
    from assistant.extraction import FIELD_NAMES
    from eval.extraction_eval import evaluate_extraction

    res = evaluate_extraction(runs)
    cols = [v for v in voices if v in res["by_voice"]]
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    rows = [[f] + [fmt(res["by_voice"][v]["fields"][f]) for v in cols] + [fmt(res["fields"][f])] for f in FIELD_NAMES]
    rows.append(["mean"] + [fmt(res["by_voice"][v]["mean"]) for v in cols] + [fmt(res["mean"])])
    misses = [[i["id"], i["voice"], f, json.dumps(i["predicted"][f], ensure_ascii=False),
               json.dumps(i["gold"].get(f, i["gold"].get("actions_count")), ensure_ascii=False)]
              for i in res["items"] for f, sc in i["scores"].items() if sc < 1]
    sections = [
        {"title": "Extraction: field scores (1 = all right)", "headers": ["field", *cols, "all"], "rows": rows,
         "notes": [f"Scored by eval.extraction_eval on {'redacted' if res['redacted'] else 'unredacted'} "
                   "transcripts: exact match for date/type/attendance/appointment, set F1 for codes and "
                   "referrals, count agreement for actions."]},
        {"title": "Extraction: fields not fully right", "headers": ["id", "voice", "field", "predicted", "gold"],
         "rows": misses or [["-", "-", "-", "-", "none"]]},
    ]
    # Per-item scores and values only: the redacted texts stay out of results.json.
    items = [{k: i[k] for k in ("id", "voice", "scores", "predicted", "gold")} for i in res["items"]]
    return sections, {k: v for k, v in res.items() if k != "items"} | {"items": items}


def _spoken_section(items: list[dict]) -> tuple[dict, dict]:
    """The same redaction and extraction on each item's *spoken* text (no ASR): the difference from
    the voices' figures is what Whisper's errors cost, the rest is extraction's and redaction's own."""
    from types import SimpleNamespace

    from assistant.extraction import FIELD_NAMES
    from eval.extraction_eval import evaluate_extraction
    from eval.redaction_eval import evaluate_redaction

    runs = [SimpleNamespace(item=i, voice="spoken", transcript=SimpleNamespace(text=i["spoken"])) for i in items]
    red, ext = evaluate_redaction(runs), evaluate_extraction(runs)
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    rows = [[f, fmt(ext["fields"][f])] for f in FIELD_NAMES] + [["mean", fmt(ext["mean"])],
            ["leak rate", f"{pct(red['leak_rate'])} ({red['items_leaked']}/{red['items_present']})"],
            ["must-keep retention", pct(red["must_keep"]["retention"])]]
    section = {"title": "Without ASR: the spoken text given straight to redact and extract",
               "headers": ["measure", "spoken text"], "rows": rows,
               "notes": ["Not part of the voices' figures above; it splits the loss between Whisper and the rules."]}
    return section, {"redaction": {k: v for k, v in red.items() if k not in ("leaks", "lost")} | {
        "leaks": red["leaks"], "lost": red["lost"]}, "extraction": {k: v for k, v in ext.items() if k != "items"}}


def evaluate_dictations(items: list[dict], voices: list[str], model: str = "tiny.en", beam: int = 5,
                        progress=None, gold_path: str = "", engine=None) -> dict:
    """Synthesise, transcribe and score every gold item with every voice; the report's content.
    ``engine``: an entered engine of ``eval.engines`` (e.g. Ray); None transcribes in this process."""
    options = TranscribeOptions(model=model, beam_size=beam)   # product settings
    runs = transcribe_gold(items, voices, options, progress=progress, engine=engine)
    wer_section, wer = _wer_section(runs, voices)
    red_sections, red = _redaction_section(runs, voices)
    ext_sections, ext = _extraction_section(runs, voices)
    spoken_section, spoken = _spoken_section(items)
    summary = {"gold": gold_path, "dictations": len(items), "voices": list(voices), "model": model, "beam": beam,
               "wer": {v: d["wer"] for v, d in wer["by_voice"].items()},
               "leak_rate": {k: r["leak_rate"] for k, r in red.items()},
               "must_keep_retention": {k: r["must_keep"]["retention"] for k, r in red.items()},
               "field_score_mean": {**{v: ext["by_voice"][v]["mean"] for v in ext["by_voice"]}, "all": ext["mean"]},
               "field_scores": ext["fields"]}
    summary_text = [(f"WER {v}", f"{pct(d['wer'], 2)} (95% CI {pct(d['ci95'][0])}-{pct(d['ci95'][1])})")
                    for v, d in wer["by_voice"].items()]
    summary_text += [("redaction leak rate", f"{pct(red['all']['leak_rate'])} ({red['all']['items_leaked']}/"
                                             f"{red['all']['items_present']} items)"),
                     ("must-keep retention", pct(red["all"]["must_keep"]["retention"])),
                     ("field score mean", f"{ext['mean']:.3f}" if ext["mean"] is not None else "n/a")]
    engine_info = engine.describe() if engine else {"engine": "local", "workers": 1, "in_process": True}
    return {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "engine": engine_info, "summary": summary,
            "summary_text": summary_text,
            "sections": [wer_section, *red_sections, *ext_sections, spoken_section], "transcription": wer,
            "redaction": red, "extraction": ext, "spoken_text": spoken}
