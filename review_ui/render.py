"""HTML for the review screen, built from a stored note (``Store.get_note``).

Everything that came from speech or from a person is escaped here (``html.escape``), so a
transcript saying ``<script>alert(1)</script>`` shows those characters and runs nothing. Words carry
``data-t`` (their start time in seconds) so a click can play the audio from there; the page's
script (``static/review.js``) does that by event delegation, no inline handlers.
"""
from __future__ import annotations

import datetime as dt

import bisect
import re
from html import escape

from redaction.placeholders import PLACEHOLDER_RE
from review_ui.fields import FIELD_LABELS, FIELD_NAMES, is_reviewed, value_to_text

__all__ = ["LOW_CONFIDENCE", "PLACEHOLDER_RE", "transcript_html", "field_card_html", "crissa_html",
           "audio_html", "progress_html", "evidence_time", "notice_html", "redactions_html", "note_label",
           "figures_html", "comments_html", "escape_text", "safe_message"]

# Whisper word probability below which a word is highlighted for a closer listen. tiny.en gives
# most clearly spoken words > 0.8; misheard names and numbers tend to fall under 0.5.
LOW_CONFIDENCE = 0.5
CRISSA_TITLES = {"check_in": "Check-in", "review": "Review", "intervention": "Intervention",
                 "summary": "Summary", "set_task": "Set task", "appointment": "Appointment"}


def _e(text) -> str:
    return escape(str(text), quote=True)


escape_text = _e
# An absolute path (or a Windows one) inside a message: replaced, so no message shows where files live.
_PATH_RE = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"<>:,;()\[\]]+){2,}")


def safe_message(message) -> str:
    """A refusal's text as a person may see it: server paths removed (escape it where HTML renders)."""
    return _PATH_RE.sub("[file]", str(message))


def _timed_words(note: dict) -> list[dict]:
    words = [w for w in note.get("words") or [] if w.get("char_start") is not None and w.get("char_end") is not None]
    return sorted(words, key=lambda w: w["char_start"])


def evidence_time(note: dict, start: int) -> float | None:
    """Audio time of the first word at or after character ``start`` of the stored transcript."""
    words = _timed_words(note)
    ends = [w["char_end"] for w in words]
    i = bisect.bisect_right(ends, start)
    return float(words[i]["start"]) if i < len(words) else None


def _chip(kind: str, label: str, t: float | None) -> str:
    t_attr = f' data-t="{t:.2f}"' if t is not None else ""
    return (f'<span class="cn-chip" data-type="{_e(kind)}"{t_attr} title="Redacted {_e(kind.lower())}">'
            f'{_e(label)}</span>')


def transcript_html(note: dict) -> str:
    """The redacted transcript: placeholders as labelled chips, words clickable, unsure words marked."""
    text = note.get("transcript") or ""
    # Whisper's word timings address Whisper's text; after an officer's correction they no longer do.
    timed = not note.get("corrected")
    chips = [(m.start(), m.end(), m) for m in PLACEHOLDER_RE.finditer(text)]
    spans = [(c0, c1, m) for c0, c1, m in chips]
    for w in _timed_words(note) if timed else []:
        s, e = max(0, int(w["char_start"])), min(len(text), int(w["char_end"]))
        # A word that overlaps a chip was (part of) the redacted value: the chip stands for it.
        if s < e and not any(s < c1 and c0 < e for c0, c1, _ in chips):
            spans.append((s, e, w))
    spans.sort(key=lambda x: x[0])
    out, pos = [], 0
    for s, e, item in spans:
        if s < pos:
            continue  # overlapping word timings from Whisper: keep the first
        out.append(_e(text[pos:s]))
        if isinstance(item, re.Match):
            out.append(_chip(item.group(1), item.group(0), evidence_time(note, s) if timed else None))
        else:
            p = item.get("probability")
            low = p is not None and p < LOW_CONFIDENCE
            cls = "cn-word cn-low" if low else "cn-word"
            tip = f' title="Whisper was unsure ({p:.0%})"' if low else ""
            out.append(f'<span class="{cls}" data-t="{float(item["start"]):.2f}"{tip}>{_e(text[s:e])}</span>')
        pos = e
    out.append(_e(text[pos:]))
    caption = "" if timed else '<div class="cn-caption">Corrected by the officer; play from the field evidence.</div>'
    return f'<div class="cn-transcript" id="cn-transcript-text">{"".join(out)}</div>{caption}'


def _with_weekday(name: str, text: str) -> str:
    """Dates are shown with their weekday ("2026-03-13T10:00 (Friday)"), so a misread day is seen."""
    if name not in ("contact_date", "next_appointment"):
        return text
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{text} ({day.strftime('%A')})"


def _value_html(name: str, value) -> str:
    text = _with_weekday(name, value_to_text(name, value))
    if not text:
        return '<span class="cn-empty">none</span>'
    if name in ("needs_discussed", "risk_flags"):  # codes: compact tags
        return "".join(f'<span class="cn-tag">{_e(v)}</span>' for v in text.split("\n"))
    if "\n" in text or isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_e(v)}</li>" for v in text.split("\n")) + "</ul>"
    return f"<span>{_e(text)}</span>"


def field_card_html(note: dict, name: str, current: bool = False) -> str:
    """One field: label, review state, current value (the reviewed one if any) and evidence quotes."""
    field = (note.get("fields") or {}).get(name) or {}
    review = field.get("review") or None
    value = review.get("value") if review and review.get("action") == "edit" else field.get("value")
    officer = note.get("officer")
    if is_reviewed(field, officer):
        state = "edited" if review["action"] == "edit" else "accepted"
    else:  # a reviewer's change is shown, and waits for the officer's own accept or edit
        state = "reviewer " + ("edited" if review["action"] == "edit" else "accepted") if is_reviewed(field) \
            else "to review"
    cls_state = state.replace(" ", "-")
    parts = [f'<div class="cn-field-head"><span class="cn-field-name">{_e(FIELD_LABELS[name])}</span>'
             f'<span class="cn-state cn-state-{cls_state}">{_e(state)}</span></div>',
             f'<div class="cn-value">{_value_html(name, value)}</div>']
    if review and review.get("by") != officer:
        parts.append(f'<div class="cn-by-reviewer">{_e(review["action"])}ed by reviewer {_e(review.get("by", ""))}'
                     '</div>')
    if review and review.get("action") == "edit":
        parts.append(f'<div class="cn-was">extracted: {_value_html(name, field.get("value"))}</div>')
    evidence = field.get("evidence") or []
    if evidence:
        quotes = []
        for ev in evidence:
            t = ev.get("t0") if isinstance(ev.get("t0"), (int, float)) else evidence_time(note, int(ev.get("start", 0)))
            t_attr = f' data-t="{t:.2f}"' if t is not None else ""
            play = f' tabindex="0" role="button" aria-label="Play from: {_e(ev.get("text", ""))}"' if t_attr else ""
            quotes.append(f'<q class="cn-evidence"{t_attr}{play}>{_e(ev.get("text", ""))}</q>')
        parts.append('<div class="cn-evidence-list">' + " ".join(quotes) + "</div>")
        if field.get("reason"):   # e.g. both readings of an ambiguous date: never resolved silently
            parts.append(f'<div class="cn-reason">{_e(field["reason"])}</div>')
    elif field.get("reason"):
        parts.append(f'<div class="cn-reason">{_e(field["reason"])}</div>')
    else:
        parts.append('<div class="cn-reason">No evidence in the dictation.</div>')
    cls = "cn-card cn-current" if current else "cn-card"
    return f'<div class="{cls}" data-field="{_e(name)}">{"".join(parts)}</div>'


def crissa_html(crissa: dict | None) -> str:
    """The officer's own sentences under the CRISSA headings; empty sections say so."""
    crissa = crissa or {}
    out = []
    for key, title in CRISSA_TITLES.items():
        sentences = crissa.get(key) or []
        body = " ".join(_e(s.get("text", "") if isinstance(s, dict) else s) for s in sentences)
        out.append(f'<section class="cn-crissa-sec"><h4>{_e(title)}</h4>'
                   f'<p>{body or "<span class=cn-empty>nothing said</span>"}</p></section>')
    return '<div class="cn-crissa">' + "".join(out) + "</div>"


def audio_html(url: str | None, reason: str = "") -> str:
    """Our own <audio> element (not Gradio's), so a click on a word can seek it by id."""
    if not url:
        return f'<div class="cn-noaudio">{_e(reason or "No audio for this note.")}</div>'
    return f'<audio id="cn-audio" controls preload="auto" src="{_e(url)}"></audio>'


def progress_html(note: dict, viewer: str | None = None) -> str:
    """Progress counts the officer's own reviews (what the store's save gate counts)."""
    fields = note.get("fields") or {}
    done = sum(1 for n in FIELD_NAMES if is_reviewed(fields.get(n) or {}, note.get("officer")))
    status = "saved, read-only" if note.get("status") == "approved" else "awaiting review"
    return (f'<div class="cn-progress" data-done="{done}" data-total="{len(FIELD_NAMES)}" '
            f'data-note="{_e(note.get("id", ""))}" '
            f'data-status="{_e(note.get("status", ""))}"><b>{done} of {len(FIELD_NAMES)}</b> fields reviewed by the officer · '
            f'contact {_e(note.get("contact_date", ""))} · {_e(status)}<span class="cn-keys">keys: <kbd>n</kbd>/<kbd>p</kbd> move · <kbd>a</kbd> accept · '
            f'<kbd>e</kbd> edit · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> save edit · <kbd>s</kbd> save note</span></div>')


def notice_html(message: str) -> str:
    """The line under the progress bar that says why a request was refused (empty when all is well)."""
    return f'<div class="cn-notice" role="alert">{_e(message)}</div>' if message else ""


def comments_html(comments: list[dict]) -> str:
    """Reviewers' and officers' comments on a note (text already redacted by the store), escaped."""
    if not comments:
        return '<p class="cn-empty">No comments yet.</p>'
    rows = "".join(f'<li><b>{_e(c.get("by", ""))}</b> <span class="cn-at">{_e(c.get("at", ""))}</span>: '
                   f'{_e(c.get("text", ""))}</li>' for c in comments)
    return f'<ul class="cn-comments">{rows}</ul>'


def redactions_html(entities: list[dict]) -> str:
    if not entities:
        return '<p class="cn-empty">Nothing was redacted.</p>'
    seen, rows = set(), []
    for e in entities:
        if e["placeholder"] in seen:
            continue
        seen.add(e["placeholder"])
        rows.append(f'<li><span class="cn-chip" data-type="{_e(e["type"])}">{_e(e["placeholder"])}'
                    f'</span> {_e(e["type"].replace("_", " ").lower())}</li>')
    return '<ul class="cn-redactions">' + "".join(rows) + "</ul>"


def note_label(n: dict) -> str:
    status = "saved" if n.get("status") == "approved" else "to review"
    return f"{n.get('contact_date', '')} · {n.get('officer', '')} · {status} · {n['id'][:8]}"


def figures_html(store) -> str:
    """Aggregates only: counts and per-field edit rates, no note, text or name of a person."""
    notes = store.list_notes()
    stats = store.edit_statistics() or {}
    by_status: dict[str, int] = {}
    for n in notes:
        by_status[n.get("status", "?")] = by_status.get(n.get("status", "?"), 0) + 1
    rows = "".join(f"<tr><td>{_e(str(k))}</td><td>{v}</td></tr>" for k, v in sorted(by_status.items()))
    frows = ""
    for name in FIELD_NAMES:
        c = (stats.get("fields") or {}).get(name) or {}
        reviewed, edited = int(c.get("reviewed", 0)), int(c.get("edited", 0))
        rate = f"{edited / reviewed:.0%}" if reviewed else "–"
        frows += (f"<tr><td>{_e(FIELD_LABELS[name])}</td><td>{reviewed}</td><td>{edited}</td>"
                  f"<td>{rate}</td></tr>")
    return (f'<div class="cn-figures"><h3>Notes</h3><table><tr><th>status</th><th>notes</th></tr>{rows}'
            f'<tr><td><b>total</b></td><td><b>{len(notes)}</b></td></tr></table>'
            f'<h3>Reviews by field</h3><table><tr><th>field</th><th>reviewed</th><th>edited</th><th>edit rate</th></tr>{frows}'
            f'</table></div>')
