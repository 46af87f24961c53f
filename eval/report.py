"""Evaluation reports: ``report.md``, a self-contained ``report.html`` (plots embedded as PNG) and
``results.json`` (every figure the report shows, so a reader can recompute it).

Every piece of text from a manifest or a transcript is HTML-escaped: references and hypotheses are
data, and a hostile one must not become markup in an evaluator's browser.
"""
from __future__ import annotations

import base64
import html
import json
from pathlib import Path

__all__ = ["write_results", "write_asr_report", "write_dictation_report", "pct"]


def pct(x: float | None, nd: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{nd}f}%"


def _ci(c: dict) -> str:
    lo, hi = c["ci95"]
    return f"{100 * lo:.1f}-{100 * hi:.1f}%"


def write_results(results: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


# ---- tables -------------------------------------------------------------------------------------

def _md_table(headers: list[str], rows: list[list]) -> str:
    def cell(x) -> str:
        # Escaped: a Markdown viewer renders raw HTML, and table cells hold transcript text.
        return html.escape(str(x), quote=False).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def _html_table(headers: list[str], rows: list[list], pre_cols: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for r in rows:
        cells = [f"<td><pre>{html.escape(str(x))}</pre></td>" if i in pre_cols else f"<td>{html.escape(str(x))}</td>"
                 for i, x in enumerate(r)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f2f2f2}pre{margin:0;font-size:12px;white-space:pre}
img{max-width:100%;border:1px solid #ddd;margin:.5em 0}.note{color:#555;font-size:14px}"""


def _html_page(title: str, parts: list[str]) -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{''.join(parts)}</body></html>")


def _img_tag(png: Path, alt: str) -> str:
    data = base64.b64encode(png.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


# ---- plots --------------------------------------------------------------------------------------

def _plots(configs: list[dict], out: Path) -> list[tuple[Path, str]]:
    import matplotlib

    matplotlib.use("Agg")   # no display on a server or in CI
    import matplotlib.pyplot as plt

    made = []
    models = list(dict.fromkeys(c["model"] for c in configs))
    variants = list(dict.fromkeys((c["beam"], c["vocabulary"]) for c in configs))
    width = 0.8 / max(len(variants), 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    for j, (beam, vocab) in enumerate(variants):
        xs, ys, lo, hi = [], [], [], []
        for i, m in enumerate(models):
            for c in configs:
                if c["model"] == m and c["beam"] == beam and c["vocabulary"] == vocab:
                    xs.append(i + (j - (len(variants) - 1) / 2) * width)
                    ys.append(100 * c["wer"])
                    lo.append(100 * (c["wer"] - c["ci95"][0]))
                    hi.append(100 * (c["ci95"][1] - c["wer"]))
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=4,
               label=f"beam {beam}" + (" +vocab" if vocab else ""))
    ax.set_xticks(range(len(models)), models)
    ax.set_ylabel("WER (%)  [bars: 95% CI]")
    ax.set_title("WER by model and beam size")
    ax.legend()
    fig.tight_layout()
    p = out / "wer_by_model_beam.png"
    fig.savefig(p, dpi=100)
    plt.close(fig)
    made.append((p, "WER by model and beam size"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for i, c in enumerate(configs):
        if c["rtf"] is None:
            continue
        ax.errorbar([c["rtf"]], [100 * c["wer"]], capsize=4, fmt="o",
                    yerr=[[100 * (c["wer"] - c["ci95"][0])], [100 * (c["ci95"][1] - c["wer"])]])
        # Labels alternate above and below: configurations often sit close together.
        ax.annotate(c["label"], (c["rtf"], 100 * c["wer"]), textcoords="offset points",
                    xytext=(6, 6 if i % 2 == 0 else -14))
    ax.set_xlabel("real-time factor (decoding time / audio time; lower is faster)")
    ax.set_ylabel("WER (%)")
    ax.set_title("WER against speed")
    ax.set_xlim(left=0)
    fig.tight_layout()
    p = out / "wer_vs_speed.png"
    fig.savefig(p, dpi=100)
    plt.close(fig)
    made.append((p, "WER against speed"))
    return made


# ---- ASR report ---------------------------------------------------------------------------------

_SUMMARY_HEAD = ["configuration", "utterances", "words", "WER", "95% CI", "CER", "audio (s)", "RTF",
                 "load (s)", "peak RSS (MB)", "wall (s)"]


def _summary_rows(configs: list[dict]) -> list[list]:
    return [[c["label"], c["utterances"], c["words"], pct(c["wer"], 2), _ci(c), pct(c["cer"], 2), c["audio_s"],
             c["rtf"], c["load_s"], c["peak_rss_mb"], c["wall_s"]] for c in configs]


def _notes(results: dict) -> list[str]:
    m = results["machine"]
    return [f"Manifest: {results['manifest']}" + (f" (subset {results['subset']})" if results["subset"] else ""),
            f"Normaliser: {results['normaliser']}.", f"Confidence interval: {results['ci_method']}.",
            f"CER: {results['cer_method']}.", f"RTF: {results['rtf_method']}.", f"Memory: {results['memory_method']}.",
            "Domain hotwords are off unless a configuration says +vocab (public benchmarks are not probation speech).",
            f"Machine: {m['cpus']} CPUs, {m['platform']}; load average before {m['loadavg_before']}, "
            f"after {m['loadavg_after']} (other work on the machine slows the timings).",
            f"Created {results['created_at']} by Casenote {results['casenote_version']}."] + [
            f"Combined from {c['path']} ({', '.join(c['configurations'])}), made {c['created_at']}, load average "
            f"before {c['machine']['loadavg_before']}, after {c['machine']['loadavg_after']}."
            for c in results.get("combined_from", [])]


def write_asr_report(results: dict, out: str | Path, worst: int = 25) -> dict[str, Path]:
    """Write results.json, report.md, report.html and the plot PNGs into ``out``."""
    out = Path(out)
    paths = {"results": write_results(results, out)}
    configs = results["configurations"]
    plots = _plots(configs, out)
    md = ["# Transcription accuracy (WER)", "", _md_table(_SUMMARY_HEAD, _summary_rows(configs)), ""]
    md += [f"- {n}" for n in _notes(results)] + [""]
    md += [f"![{alt}]({p.name})" for p, alt in plots] + [""]
    page = [_html_table(_SUMMARY_HEAD, _summary_rows(configs)),
            "<ul class=note>" + "".join(f"<li>{html.escape(n)}</li>" for n in _notes(results)) + "</ul>"]
    page += [_img_tag(p, alt) for p, alt in plots]
    for c in configs:
        subs = [[r, h, n] for r, h, n in c["top_substitutions"]]
        cnt = c["counts"]
        counts = (f"hits {cnt['hits']}, substitutions {cnt['substitutions']}, deletions {cnt['deletions']}, "
                  f"insertions {cnt['insertions']}; failed utterances {c['failed']}")
        rows = [[u["id"], pct(u["wer"]), u["errors"], u["words"], u["alignment"]]
                for u in sorted(c["per_utterance"], key=lambda u: (-u["wer"], u["id"]))[:worst]]
        head = ["id", "WER", "errors", "words", "alignment (normalised; S/D/I marks)"]
        md += [f"## {c['label']}", "", counts, "", "Most frequent substitutions:", "",
               _md_table(["reference", "hypothesis", "count"], subs), "",
               f"Worst {len(rows)} utterances (all {c['utterances']} are in results.json):", ""]
        md += [f"**{r[0]}** WER {r[1]} ({r[2]}/{r[3]})\n\n```\n{r[4]}\n```\n" for r in rows]
        md += [f"- failed: {f['id']}: {f['error']}" for f in c["failed_utterances"]]
        page += [f"<h2>{html.escape(c['label'])}</h2><p>{html.escape(counts)}</p><h3>Most frequent substitutions</h3>",
                 _html_table(["reference", "hypothesis", "count"], subs),
                 f"<h3>Worst {len(rows)} utterances</h3>", _html_table(head, rows, pre_cols=(4,))]
        if c["failed_utterances"]:
            page.append(_html_table(["failed id", "error", "reference"],
                                    [[f["id"], f["error"], f["reference"]] for f in c["failed_utterances"]]))
    paths["md"] = out / "report.md"
    paths["md"].write_text("\n".join(md) + "\n", encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(_html_page("Casenote transcription accuracy", page), encoding="utf-8")
    paths.update({p.stem: p for p, _ in plots})
    return paths


# ---- dictation report ---------------------------------------------------------------------------

def write_dictation_report(results: dict, out: str | Path) -> dict[str, Path]:
    """One report for the whole pipeline on gold dictations: WER, redaction and field scores per voice."""
    out = Path(out)
    paths = {"results": write_results(results, out)}
    md, page = ["# Dictation evaluation (whole pipeline)", ""], []
    for sec in results["sections"]:
        md += [f"## {sec['title']}", "", _md_table(sec["headers"], sec["rows"]), ""]
        md += [f"- {n}" for n in sec.get("notes", [])] + [""]
        page += [f"<h2>{html.escape(sec['title'])}</h2>", _html_table(sec["headers"], sec["rows"])]
        if sec.get("notes"):
            page.append("<ul class=note>" + "".join(f"<li>{html.escape(n)}</li>" for n in sec["notes"]) + "</ul>")
    paths["md"] = out / "report.md"
    paths["md"].write_text("\n".join(md) + "\n", encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(_html_page("Casenote dictation evaluation", page), encoding="utf-8")
    return paths
