"""PDF renderer: a :class:`~carbon.reports.model.Document` as HTML/CSS printed by WeasyPrint.

Noto Sans CJK TC (Debian ``fonts-noto-cjk``) is embedded and subset by WeasyPrint; Pango
breaks Chinese lines by the CJK rules (no line begins with ，。、).  Pages are A4 with page
numbers in the footer (margin boxes do not inherit the body font, so they name it), and a
table of contents with page numbers (``target-counter``).  Charts are the figures' PNGs.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Table, fmt_number

__all__ = ["CSS", "document_html", "write_pdf"]

FONT = '"Noto Sans CJK TC", "Noto Sans CJK", "Noto Sans", sans-serif'

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: "%(page)s"; font-family: %(font)s; font-size: 8.5pt; color: #555; }
        @top-right { content: "%(title)s"; font-family: %(font)s; font-size: 8pt; color: #888; } }
@page :first { @top-right { content: none; } }
html { font-family: %(font)s; font-size: 10pt; line-height: 1.55; color: #222; }
h1.title { font-size: 24pt; color: #1F4E79; margin: 30mm 0 4mm 0; }
p.subtitle { font-size: 13pt; color: #555; margin-bottom: 12mm; }
h1 { font-size: 16pt; color: #1F4E79; border-bottom: 1.5pt solid #1F4E79; padding-bottom: 2pt; margin-top: 12pt; }
h1.chapter { page-break-before: always; }
h2 { font-size: 12.5pt; color: #1F4E79; margin-top: 10pt; }
h3 { font-size: 11pt; color: #333; }
h1, h2, h3 { page-break-after: avoid; }
table { border-collapse: collapse; width: 100%%; margin: 2pt 0 12pt 0; font-size: 8.5pt; }
th, td { border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; }
th { background: #E8F0FB; text-align: left; }
td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; background: #F4F4F4; }
table.kv th { width: 32%%; }
p.caption { font-size: 9pt; color: #1F4E79; margin: 8pt 0 2pt 0; page-break-after: avoid; }
p.note { font-size: 8.5pt; color: #666; font-style: italic; margin: 1pt 0; }
li { margin: 1pt 0; }
figure { margin: 6pt 0 12pt 0; page-break-inside: avoid; }
figure img { width: 100%%; }
nav.toc ol { list-style: none; padding-left: 0; }
nav.toc li.l2 { padding-left: 14pt; font-size: 9.5pt; }
nav.toc li.l3 { display: none; }
nav.toc a { color: #222; text-decoration: none; }
nav.toc a::after { content: leader('.') target-counter(attr(href), page); }
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _table(tb: Table, n: int, lang: str) -> str:
    out = [f'<p class="caption">{_e(t("caption.table", lang))} {n}　{_e(tb.caption)}</p><table><thead><tr>']
    out += [f"<th>{_e(c)}</th>" for c in tb.columns]
    out.append("</tr></thead><tbody>")
    numeric = tb.numeric()
    cells = tb.formatted()
    for i, row in enumerate(cells):
        cls = ' class="total"' if tb.total_row and i == len(cells) - 1 else ""
        out.append(f"<tr{cls}>" + "".join(f'<td class="num">{_e(v)}</td>' if numeric[j] else f"<td>{_e(v)}</td>" for j, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _kv(kv: KeyValues) -> str:
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(fmt_number(v))}</td></tr>" for k, v in kv.items)
    return f'<table class="kv"><tbody>{rows}</tbody></table>'


def _figure(fig: Figure, n: int, lang: str) -> str:
    src = "data:image/png;base64," + base64.b64encode(fig.png()).decode("ascii")
    return f'<figure><img src="{src}" alt="{_e(fig.caption)}"><p class="caption">{_e(t("caption.figure", lang))} {n}　{_e(fig.caption)}</p></figure>'


def _paragraphs(blocks: list) -> str:
    out, bullets = [], []
    for b in blocks + [None]:
        if isinstance(b, Paragraph) and b.kind == "bullet":
            bullets.append(f"<li>{_e(b.text)}</li>")
            continue
        if bullets:
            out.append("<ul>" + "".join(bullets) + "</ul>")
            bullets = []
        if isinstance(b, Paragraph):
            out.append(f'<p class="{b.kind}">{_e(b.text)}</p>')
    return "".join(out)


def document_html(d: Document) -> str:
    """The report as one HTML page (what WeasyPrint prints)."""
    lang_attr = "zh-Hant-TW" if d.lang == "zh-TW" else "en"
    css = CSS % {"font": FONT, "page": _e(t("page", d.lang)).replace("{page}", '" counter(page) "'), "title": _e(d.title).replace('"', "")}
    body = [f'<h1 class="title">{_e(d.title)}</h1><p class="subtitle">{_e(d.subtitle)}</p>']
    body.append(_kv(KeyValues([(k, v) for k, v in d.cover if v not in (None, "")])))
    toc = [f'<nav class="toc"><h1>{_e(t("toc", d.lang))}</h1><ol>']
    parts, nt, nf = [], 0, 0
    for num, level, sec in d.walk():
        anchor = "s" + num.replace(".", "-")
        toc.append(f'<li class="l{level}"><a href="#{anchor}">{_e(num)}　{_e(sec.title)}</a></li>')
        cls = ' class="chapter"' if level == 1 and (d.chapter_breaks or num == "1") else ""
        parts.append(f'<h{min(level, 3)} id="{anchor}"{cls}>{_e(num)}　{_e(sec.title)}</h{min(level, 3)}>')
        pending: list = []
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                pending.append(b)
                continue
            parts.append(_paragraphs(pending))
            pending = []
            if isinstance(b, Table):
                nt += 1
                parts.append(_table(b, nt, d.lang))
            elif isinstance(b, KeyValues):
                parts.append(_kv(b))
            elif isinstance(b, Figure):
                nf += 1
                parts.append(_figure(b, nf, d.lang))
        parts.append(_paragraphs(pending))
    toc.append("</ol></nav>")
    return (
        f'<!doctype html><html lang="{lang_attr}"><head><meta charset="utf-8"><title>{_e(d.title)}</title>'
        f"<style>{css}</style></head><body>{''.join(body)}{''.join(toc)}{''.join(parts)}</body></html>"
    )


def write_pdf(d: Document, path: str | Path) -> Path:
    """Write ``d`` as a PDF (WeasyPrint); returns the path."""
    from weasyprint import HTML

    out = Path(path)
    HTML(string=document_html(d)).write_pdf(out)
    return out
