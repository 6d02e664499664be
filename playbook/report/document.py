"""The shared report: one self-contained HTML file (and a PDF) for the client.

Built from ``results.json`` and the executed notebooks: findings, figures (SVG)
and tables are the outputs the notebooks tagged with ``playbook`` metadata, so
the report shows exactly what the analysis produced. A part with results but no
executed notebook (an older run, or a notebook not shipped yet) is rendered from
``results.json`` directly. Nothing in the file loads from the network (the page's
Content-Security-Policy forbids it too); client text is escaped by the template.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from playbook.core import formats, i18n
from playbook.core.errors import UserError
from playbook.core.files import atomic
from playbook.core.html import unbroken
from playbook.core.i18n import N_, _
from playbook.core.instruments import instruments, items
from playbook.core.resources import templates_dir
from playbook.parts import PARTS
from playbook.report.summary import rules, story_html
from playbook.run.outputs import tagged

QUESTIONNAIRES = {"MSE": N_("marketing self-evaluation"), "SSE": N_("sales self-evaluation"), "SYM": N_("symptoms"),
                  "CS": N_("credibility ratings")}
WIDE_COLUMNS = 6  # tables with this many columns or more get a smaller font in print

def collect(notebook: Path, part: str) -> dict[str, list]:
    """The tagged outputs of an executed notebook: findings, then figures and tables in notebook order."""
    found: dict[str, list] = {"findings": [], "blocks": []}
    for meta, out in tagged(notebook):
        if meta.get("part") != part:
            continue
        if meta["kind"] == "findings":
            found["findings"].extend(str(line) for line in meta.get("lines", []))
        elif meta["kind"] == "figure":
            found["blocks"].append(_figure(meta.get("title", ""), out.get("data", {}).get("image/svg+xml", ""),
                                           meta.get("name", ""), meta.get("phone_svg", "")))
        elif meta["kind"] == "table":
            found["blocks"].append(_table(meta.get("title", ""), meta.get("html", ""), meta.get("name", "")))
    return found


def _figure(title: str, svg: str | list, name: str = "", phone: str | list = "") -> dict[str, str]:
    """A figure block; ``name`` is the part's name for it (``section()["figures"]``), which the report does not show;
    ``phone`` the figure laid out for a phone (``charts.phone``), shown instead below 640 px."""
    return {"kind": "figure", "title": str(title), "svg": _clean_svg(svg), "name": str(name),
            "phone_svg": _clean_svg(phone) if phone else ""}


ITEM_CELL = re.compile(r"<td>((?:MSE|SSE|SYM|CS[123])-\d+)</td>")


def _table(title: str, html: str, name: str = "") -> dict[str, Any]:
    """A table produced by pandas (escaped); item ids kept on one line, pandas' header alignment dropped."""
    html = ITEM_CELL.sub(r'<td class="id">\1</td>', str(html)).replace(' style="text-align: right;"', "")
    head = html.split("</tr>", 1)[0]
    return {"kind": "table", "title": str(title), "html": html, "wide": len(re.findall(r"<th[\s>]", head)) >= WIDE_COLUMNS,
            "name": str(name)}


def _clean_svg(svg: str | list) -> str:
    text = "".join(svg) if isinstance(svg, list) else str(svg)
    start = text.find("<svg")
    text = text[start:] if start >= 0 else ""
    lowered = text.lower()
    # vl-convert never writes these; refuse rather than embed anything active or remote.
    if "<script" in lowered or "javascript:" in lowered or re.search(r"""(href|src)\s*=\s*["']?\s*(https?:|//)""",
                                                                     lowered):
        return ""
    return text


def from_results(part, results: dict[str, Any], svg: Callable[[Any], str] | None = None,
                 sec: dict[str, Any] | None = None, phone: dict[str, Any] | None = None) -> dict[str, list]:
    """A part's content computed from results.json, for a run without its executed notebook.

    ``svg`` draws a chart (default ``charts.to_svg``; the interactive report passes one that keeps what it
    drew); ``sec`` is the part's section when the caller already has it (``part.section(results)``), ``phone``
    its figures laid out for a phone (``{}``: none drawn; default: made here).
    """
    from playbook.core.html import table_html
    from playbook.parts import charts
    from playbook.parts.charts import to_svg

    svg = svg or to_svg
    sec = part.section(results) if sec is None else sec
    if phone is None:
        with charts.phone():
            phone = part.section(results)["figures"] if sec["figures"] else {}
    blocks = [_figure(title, svg(chart), name, svg(phone[name][1]) if name in phone else "")
              for name, (title, chart) in sec["figures"].items()]
    blocks += [_table(title, table_html(df), name) for name, (title, df) in sec["tables"].items()]
    return {"findings": [str(line) for line in sec["findings"]], "blocks": blocks}



def content(part, results: dict[str, Any], notebooks: Path | None, number: int) -> dict[str, Any] | None:
    """One part's findings and numbered blocks (``Figure 2.1``...), from its executed notebook in ``notebooks``
    when there is one, else from ``results``; None when the part was not assessed."""
    if not assessed(part, results):
        return None
    nb = notebooks / part.notebook if notebooks is not None else None
    found = collect(nb, part.name) if nb is not None and nb.is_file() else None
    if not found or not (found["findings"] or found["blocks"]):
        found = from_results(part, results)
    return numbered(found, number)


def numbered(found: dict[str, Any], number: int) -> dict[str, Any]:
    """A part's content with the figures that could not be drawn left out and the rest labelled in order: the
    figures first, then the tables that detail them. On paper a figure cannot break over pages while a table
    breaks between rows, so tables after the figures fill the pages instead of leaving a gap before a figure."""
    kept = [b for b in found["blocks"] if b["kind"] == "table" or b["svg"]]
    found["blocks"] = sorted(kept, key=lambda b: b["kind"] != "figure")
    number_blocks(found["blocks"], number)
    return found


def assessed(part, results: dict[str, Any]) -> bool:
    """Whether ``results`` hold anything of ``part`` (else the report says it was not assessed, and why)."""
    return any(results.get(k) is not None for k in part.keys)


def sections(results: dict[str, Any], notebooks: Path | None) -> list[dict[str, Any]]:
    """One section per part, numbered in report order; ``content`` is None when the part was not assessed."""
    return [{"part": part.name, "number": number, "title": _(part.title),
             "content": content(part, results, notebooks, number), "absent": _(part.absent)}
            for number, part in enumerate(PARTS, start=1)]


def number_blocks(blocks: list[dict], section: int) -> None:
    """Label figures and tables in order: ``Figure 2.1``, ``Table 2.1``..."""
    counts = {"figure": 0, "table": 0}
    for block in blocks:
        counts[block["kind"]] += 1
        number = f"{section}.{counts[block['kind']]}"
        block["label"] = _("Figure %(number)s", number=number) if block["kind"] == "figure" else _(
            "Table %(number)s", number=number)



def respondents(eng, answers: list[dict]) -> list[dict[str, str]]:
    """Everyone invited, with the questionnaires they answered in this wave."""
    done: dict[str, set[str]] = defaultdict(set)
    for a in answers:
        code = a["item"].split("-", 1)[0]
        done[a["respondent"]].add("CS" if code.startswith("CS") else code)
    from playbook.outreach import words

    return [{"name": p.name, "side": words.side(p.side), "role": words.role(p),
             "answered": ", ".join(_(v) for k, v in QUESTIONNAIRES.items() if k in done[p.id]) or _("none")}
            for p in eng.respondents]


def individual(eng, answers: list[dict]) -> list[dict[str, Any]]:
    """Each respondent's answers and comments in questionnaire order (shown only when the settings allow).

    METHOD 8: leaders are named (their self-evaluations are attributed by design); everyone else is shown by
    side and role only, leaders first, then by side and role, not in the order of the respondent list.
    """
    from playbook.outreach import words

    order = {item_id: i for i, item_id in enumerate(items())}
    by_person: dict[str, list[dict]] = defaultdict(list)
    for a in answers:
        by_person[a["respondent"]].append(a)
    out = []
    for p in eng.respondents:
        rows = sorted(by_person.get(p.id, []), key=lambda a: order.get(a["item"], len(order)))
        if rows:
            out.append({"name": p.name if p.is_leader else None, "side": words.side(p.side), "role": words.role(p),
                        "leader": p.is_leader,
                        "answers": [{k: a.get(k) for k in ("item", "value", "comment")} for a in rows],
                        "key": [(a["item"], str(a["value"]), a.get("comment") or "") for a in rows]})
    out.sort(key=lambda x: (not x["leader"], x["side"], x["role"], x["key"]))
    return [{k: v for k, v in x.items() if k != "key"} for x in out]


def css_string(value: Any) -> str:
    """``value`` safe inside a double-quoted CSS string: anything but letters, digits and spaces as a CSS escape."""
    return "".join(c if c.isalnum() and c.isascii() or c == " " else f"\\{ord(c):x} " for c in str(value))


def css_counters(text: Any) -> Markup:
    """A translated page footer as a CSS ``content`` value: ``\x01`` and ``\x02`` (where the message's ``%(page)s``
    and ``%(pages)s`` stood) become the page counters, the words between them CSS strings ("Seite 2 von 22")."""
    pieces = []
    for piece in re.split("([\x01\x02])", str(text)):
        if piece in ("\x01", "\x02"):
            pieces.append("counter(page)" if piece == "\x01" else "counter(pages)")
        elif piece:
            pieces.append(f'"{css_string(piece)}"')
    return Markup(" ".join(pieces) or '""')


def long_date(d: date) -> str:
    """A day for people, in the active locale's long form (``December 3, 2026``, ``3. Dezember 2026``)."""
    return formats.day(d)


@cache
def environment():
    """The report's Jinja environment (``templates/report``), every value escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "report")),
                      autoescape=select_autoescape(disabled_extensions=("css",), default_for_string=True, default=True))
    env.filters["css_string"] = css_string
    env.filters["css_counters"] = css_counters
    env.filters["unbroken"] = unbroken  # a word with a hyphen, slash or bracket stays whole in a table cell
    i18n.install(env)  # _("...") in the active language (core/i18n.py)
    return env


@cache
def intros() -> dict[str, str]:
    """Each part's lead paragraph as the report writes it under the part's title (its one source is the
    report's template, which sets them as ``intros``); a part without one is missing."""
    return dict(environment().get_template("report.html.j2").make_module({"r": {}, "when": str}).intros)


def theme() -> str:
    """The report's style sheet (``templates/report/report.css``): the one theme of the report and its pages."""
    return (templates_dir() / "report" / "report.css").read_text(encoding="utf-8")


def render(results: dict[str, Any], notebooks: Path, snap=None) -> str:
    """The report's HTML; the appendix (who answered what) comes from the run's snapshot ``snap``."""
    from playbook.core.settings import defaults

    env = environment()
    settings = results.get("settings") or {}
    eng = snap.engagement if snap is not None else None
    answers = snap.wave_answers(results.get("wave")) if snap is not None else []
    paper = settings.get("paper_size", "A4")
    with formats.use(settings):  # amounts and numbers in the client's currency and locale
        return env.get_template("report.html.j2").render(
            r=results,
            today=long_date(date.today()),
            story=story_html(results),
            sections=sections(results, notebooks),
            rules=rules(settings, defaults()),
            respondents=respondents(eng, answers) if eng is not None else [],
            individual=individual(eng, answers) if eng is not None and settings.get("show_individual_answers") else [],
            items=items(),
            instruments=list(instruments().values()),
            paper="Letter" if paper == "Letter" else "A4",
            lang=i18n.active(),
            firm=settings.get("firm_name") or "",
            when=formats.period,
            as_of=formats.day(results.get("generated_at")) if results.get("generated_at") else long_date(date.today()),
        )


def build(out: Path, snap=None) -> Path:
    """Write ``out/report.html`` from ``out/results.json``, ``out/notebooks`` and the run's snapshot.

    ``snap`` defaults to the snapshot the run left in ``out``.
    """
    source = out / "results.json"
    try:
        results = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{source}: not a results.json written by 'playbook run' ({exc}); run it again.") from None
    if not isinstance(results, dict):
        raise UserError(f"{source}: not a results.json written by 'playbook run'; run it again.")
    if snap is None:
        from playbook.core import snapshot

        snap = snapshot.load(out / snapshot.FILE)
    html = render(results, out / "notebooks", snap)
    path = out / "report.html"
    with atomic(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path
