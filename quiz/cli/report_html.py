"""The class report as one self-contained HTML page (`quiz report --html FILE`).

One file a teacher can open, print or send: the CSS is inline, there is no
script at all, and a Content-Security-Policy forbids loading anything from
outside (the bar charts are inline SVG). Every text from banks and score files
is escaped (`html.escape`, after `quiz.core.text.clean` makes control characters
visible), so a learner's answer can never become markup.

Printing: A4 pages with margins; table headers repeat on each page; a row, a
question's chart and the short tables never split across pages; long words wrap
inside their cell; and the grid is cut into blocks of `GRID_BLOCK` columns so no
table is wider than the page.
"""

from __future__ import annotations

import html
from pathlib import Path

from quiz.cli.report_render import MARKS, discrimination_text, legend
from quiz.cli.reports import count, percent, when
from quiz.core.class_report import ClassReport, QuestionReport
from quiz.core.text import clean

__all__ = ["GRID_BLOCK", "render_html", "write_html"]

GRID_BLOCK = 20
"""Question columns per grid table: 20 narrow columns and a name fit A4 portrait."""
BAR_WIDTH = 120

_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #111; background: #fff; margin: 0 auto; padding: 12px; max-width: 186mm; }
h1 { font-size: 15pt; margin: 0 0 4px; }
h2 { font-size: 12pt; margin: 18px 0 6px; break-after: avoid; }
h3 { font-size: 10pt; margin: 10px 0 4px; break-after: avoid; }
p.sub { margin: 0 0 8px; color: #444; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; table-layout: auto; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 4px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
td.t { overflow-wrap: anywhere; min-width: 7em; }
td.q { min-width: 12em; }
.key { color: #555; font-size: 85%; }
.nw { white-space: nowrap; }
th { background: #eee; font-weight: 600; }
td.n, th.n { text-align: right; }
td.n { white-space: nowrap; }
thead { display: table-header-group; }
tr, .question, .legend dt, .legend dd { break-inside: avoid; page-break-inside: avoid; }
.flag { color: #a40000; min-width: 7em; }
.right { color: #06602a; font-weight: 600; }
.grid td, .grid th { text-align: center; padding: 1px 2px; width: 1.8em; }
.grid td.name, .grid th.name { text-align: left; width: auto; }
.c-right { background: #d8f0dc; }
.c-wrong { background: #f7d6d6; }
.c-overridden { background: #fbe8b5; }
.legend dt { font-weight: 600; margin-top: 4px; }
.legend dd { margin: 0 0 0 12px; }
svg { vertical-align: middle; }
@media print {
  body { padding: 0; max-width: none; font-size: 8.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: str) -> str:
    """Bank or log text, made visible (`clean`) and escaped for HTML."""
    return html.escape(clean(text), quote=True)


def _bar(share: float, correct: bool) -> str:
    filled = round(max(0.0, min(1.0, share)) * BAR_WIDTH)
    colour = "#2e8b57" if correct else "#c0504d"
    return (
        f'<svg width="{BAR_WIDTH}" height="10" role="img" aria-label="{percent(share)}">'
        f'<rect width="{BAR_WIDTH}" height="10" fill="#eee"/>'
        f'<rect width="{filled}" height="10" fill="{colour}"/></svg>'
    )


def _d_cell(q: QuestionReport) -> str:
    """D over its interval on a second line, so the column stays narrow."""
    d = q.discrimination
    if d is None:
        return _e(discrimination_text(d, q.discrimination_note))
    return f'<span class="nw">{d.r:+.2f}</span><br><span class="nw">[{d.low:+.2f}, {d.high:+.2f}]</span>'


def _question_rows(report: ClassReport) -> str:
    rows = []
    for q in report.questions:
        rows.append(
            "<tr>"
            f'<td class="n">Q{q.number}</td><td class="t q">{_e(q.prompt)}<br><span class="key">{_e(q.key)}</span></td>'
            f'<td class="n">{q.learners}</td><td class="n">{q.first_right} ({percent(q.first_right_share)})</td>'
            f'<td class="n">{q.overridden}</td><td class="n">{q.answers}</td>'
            f'<td class="n">{"" if q.median_elapsed is None else f"{q.median_elapsed:.1f}"}</td>'
            f"<td>{_d_cell(q)}</td>"
            f'<td class="flag">{_e(", ".join(q.flags))}</td>'
            "</tr>"
        )
    return "\n".join(rows)


def _choices(q: QuestionReport) -> str:
    rows = []
    for c in q.choices:
        mark = '<span class="right">✓</span>' if c.correct else ""
        rows.append(
            f'<tr><td>{mark}</td><td class="t">{_e(c.text)}</td><td class="n">{c.learners}</td>'
            f'<td class="n">{percent(c.share)}</td><td>{_bar(c.share, c.correct)}</td>'
            f'<td class="flag">{_e(", ".join(c.flags))}</td></tr>'
        )
    return (
        f'<div class="question"><h3>Q{q.number} {_e(q.key)}: {_e(q.prompt)}</h3>'
        '<table><thead><tr><th></th><th>Choice</th><th class="n">Learners</th><th class="n">Share</th>'
        "<th>Chart</th><th>Flags</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _grid(report: ClassReport) -> str:
    blocks = []
    for start in range(0, len(report.questions), GRID_BLOCK):
        numbers = range(start, min(start + GRID_BLOCK, len(report.questions)))
        head = "".join(f'<th title="{_e(report.questions[n].key)}">{n + 1}</th>' for n in numbers)
        body = []
        for learner, row in report.grid_rows:
            cells = "".join(f'<td class="c-{row[n]}">{html.escape(MARKS[row[n]])}</td>' for n in numbers)
            body.append(f'<tr><td class="name">{_e(learner.name)}</td>{cells}</tr>')
        blocks.append(
            f'<table class="grid"><thead><tr><th class="name">Learner</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )
    return "\n".join(blocks)


def _learners(report: ClassReport) -> str:
    rows = []
    for learner in report.learners:
        note = "" if learner.error is None else "unreadable: " + learner.error
        rows.append(
            f'<tr><td class="t">{_e(learner.name)}</td><td class="n">{learner.seen}</td>'
            f'<td class="n">{learner.first_right} ({percent(learner.score)})</td>'
            f'<td class="n">{learner.overridden}</td><td class="n">{learner.answers}</td>'
            f'<td class="n">{percent(learner.accuracy)}</td>'
            f'<td class="n">{percent(learner.mastery)} ({learner.mastered}/{learner.scope})</td>'
            f'<td class="flag">{_e(note)}</td></tr>'
        )
    return "\n".join(rows)


def render_html(report: ClassReport) -> str:
    """The whole page as one string."""
    title = f"Class report, {when(report.now)} UTC"
    sub = f"{count(len(report.learners), 'learner')}, {count(len(report.questions), 'question')} answered"
    if report.unanswered:
        sub += f" ({report.unanswered} never answered)"
    filters = report.filters.describe()
    if filters:
        sub += f". Filters: {filters}"
    notes = []
    if report.unknown.answers:
        notes.append(report.unknown.message().capitalize() + ".")
    notes.extend(report.warnings)
    notes_html = "<h2>Warnings</h2><ul>" + "".join(f"<li>{_e(note)}</li>" for note in notes) + "</ul>" if notes else ""
    legend_html = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in legend(report))
    grid_marks = "✓ right, ✗ wrong, ! overridden by the learner, · not seen, 1-4 a card's self-grade"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{_e(title)}</h1>
<p class="sub">{_e(sub)}</p>
<h2>Questions</h2>
<table><thead><tr><th>#</th><th>Question</th><th class="n">Learn&shy;ers</th><th class="n">1st right</th>
<th class="n">Over&shy;ridden</th><th class="n">An&shy;swers</th><th class="n">Median s</th>
<th>D [95% CI]</th><th>Flags</th>
</tr></thead><tbody>
{_question_rows(report)}
</tbody></table>
<h2>Choices at the first attempt</h2>
{"".join(_choices(q) for q in report.questions)}
<h2>First attempts, learner by question</h2>
<p class="sub">{_e(grid_marks)}</p>
{_grid(report)}
<h2>Learners</h2>
<table><thead><tr><th>Learner</th><th class="n">Seen</th><th class="n">1st right (score)</th>
<th class="n">Overridden</th><th class="n">Answers</th><th class="n">Accuracy</th><th class="n">Mastery</th><th></th>
</tr></thead><tbody>
{_learners(report)}
</tbody></table>
{notes_html}
<h2>What the figures mean</h2>
<dl class="legend">{legend_html}</dl>
</body>
</html>
"""


def write_html(report: ClassReport, path: Path, *, overwrite: bool = False) -> None:
    """Write the page; refuses to replace an existing file unless `overwrite`."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists (give --force to replace it)")
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render_html(report), encoding="utf-8")
    temporary.replace(path)
