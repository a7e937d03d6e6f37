"""The pages of ``claimcheck serve``: the form, and the answer built by the HTML report's renderer.

The answer page is ``render/html.py``'s own document section (same content, same look),
wrapped by the same ``page()`` head, with the explanations before the marked text and the red
flags' explanations open, plus a link that downloads the JSON. Everything works without
JavaScript; the only script is the report's own (click a highlight to open its card). Nothing
is loaded from elsewhere: the CSP is the report's, except that the form may post to this server.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from ..render.html import esc, page, render_document
from ..render.html_assets import CSP
from ..render.json import report_dict
from ..types import Report

#: the report's policy, but the form may be sent to this server, and no page may frame it
SERVE_CSP = CSP.replace("form-action 'none'", "form-action 'self'") + "; frame-ancestors 'none'"

TITLE = "Is this clinic page trustworthy?"
ACCEPT = ".txt,.text,.md,.html,.htm,.pdf,text/plain,text/html,application/pdf"

CSS = """
.site { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.site h1 { margin-right: auto; }
.intro { max-width: 46rem; margin: .4rem 0; }
form.ask { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 1rem 1.25rem 1.25rem; margin: 1rem 0; max-width: 52rem; }
form.ask label { display: block; font-weight: 700; font-size: 1.08rem; margin: 1rem 0 .2rem; }
form.ask label:first-of-type { margin-top: .2rem; }
.hint { color: #555; font-size: .9rem; margin: 0 0 .4rem; }
form.ask textarea, form.ask input[type=text] { display: block; width: 100%; font: inherit;
  color: var(--ink); background: #fff; padding: .6rem .7rem; border: 2px solid #767676;
  border-radius: 8px; }
form.ask textarea { min-height: 14rem; resize: vertical; }
form.ask input[type=file] { font: inherit; max-width: 100%; }
.or { margin: 1rem 0 0; color: #555; font-size: .85rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: .06em; }
form.ask button { display: block; margin-top: 1.3rem; font: inherit; font-size: 1.1rem;
  font-weight: 700; padding: .8rem 2.2rem; border: 0; border-radius: 8px; color: #fff;
  background: #1e63c4; cursor: pointer; }
form.ask button:hover { background: #174f9e; }
a:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible,
summary:focus-visible, mark.hl:focus-visible { outline: 3px solid #1e63c4; outline-offset: 2px; }
.alert { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--red);
  border-radius: 6px; padding: .6rem .9rem; color: #9b1c1c; font-weight: 600;
  max-width: 52rem; overflow-wrap: anywhere; }
.download { margin: 1rem 0; font-weight: 600; }
/* a phone is narrower than rule names like sales.rhetorical-question: let them break */
.doc .q, .card .where, .missing li, .arith td, .card summary { overflow-wrap: anywhere; }
@media (min-width: 901px) {
  .cols.text-last { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); } }
@media (max-width: 600px) {
  main { padding: .5rem .6rem 2rem; } .doc, form.ask { padding: .8rem .8rem 1rem; }
  form.ask button { width: 100%; }
  .arith th:first-child, .arith td.num { padding-left: 0; } }
"""


@dataclass(frozen=True)
class FormValues:
    """What the user had typed, shown again with an error so nothing has to be retyped."""

    text: str = ""
    url: str = ""


DISCLAIMER = ('<p class="disclaimer">claimcheck is a reading aid, not medical or legal advice. '
              "Red flags are claims that careful doctors and regulators treat as warning signs. "
              "Nothing you send is stored.</p>")


def _site_header(h1: str, home_link: bool) -> str:
    link = '<a class="again" href="/">Check another page</a>' if home_link else ""
    return f'<header class="site"><h1>{esc(h1)}</h1>{link}</header>'


def form_page(max_bytes: int, values: FormValues | None = None, error: str = "") -> str:
    """The start page: paste the text, give the address, or choose a file; then one button."""
    values = values or FormValues()
    alert = (f'<p class="alert" role="alert" id="form-error">{esc(error)}</p>' if error else "")
    described = ' aria-describedby="form-error"' if error else ""
    size = (f"{max_bytes / 1024 / 1024:.3g} MB" if max_bytes >= 1024 * 1024
            else f"{max_bytes:,} bytes")
    body = (
        _site_header(TITLE, home_link=False) + DISCLAIMER
        + '<p class="intro">Paste the text of a clinic\'s web page, give its address, or choose '
        "a saved copy. You get a score from 0 to 100, every claim that worried us in plain "
        "words, why it matters and what to ask the clinic.</p>"
        + alert
        + f'<form class="ask" method="post" action="/check" enctype="multipart/form-data"'
        f'{described}>'
        '<label for="text">Paste the clinic\'s page here</label>'
        '<p class="hint" id="text-hint">On the clinic\'s page, select all the text, copy it, '
        "and paste it into this box.</p>"
        '<textarea id="text" name="text" rows="12" aria-describedby="text-hint" '
        f'spellcheck="false">{esc(values.text)}</textarea>'
        '<p class="or" aria-hidden="true">or</p>'
        '<label for="url">The page\'s address</label>'
        '<p class="hint" id="url-hint">For example https://clinic.example/stem-cells. The page '
        "is fetched and its main text read.</p>"
        '<input type="text" id="url" name="url" inputmode="url" autocomplete="url" '
        'autocapitalize="off" spellcheck="false" aria-describedby="url-hint" '
        f'value="{esc(values.url)}">'
        '<p class="or" aria-hidden="true">or</p>'
        '<label for="file">A saved page or brochure (.txt, .html, .pdf)</label>'
        f'<p class="hint" id="file-hint">Up to {size}.</p>'
        f'<input type="file" id="file" name="file" accept="{ACCEPT}" '
        'aria-describedby="file-hint">'
        '<button type="submit">Check it</button></form>')
    return page(f"claimcheck: {TITLE}", body, csp=SERVE_CSP, css=CSS)


def json_link(report: Report) -> str:
    """A link that downloads the report's JSON (the documented schema), with no second request."""
    data = json.dumps(report_dict(report), ensure_ascii=False, indent=2).encode("utf-8")
    href = "data:application/json;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")
    return (f'<p class="download"><a href="{href}" download="claimcheck-report.json">'
            "Download this report as JSON</a> (the findings and the score, without the text)</p>")


def answer_page(report: Report) -> str:
    """The verdict and score first, then each claim explained, then the text with highlights."""
    docs = report.documents
    sections = [render_document(d, n, False, text_last=True, open_flags=True)
                for n, d in enumerate(docs, 1)]
    first = docs[0]
    score = f"score {first.score}/100" if first.score is not None else "could not be checked"
    title = first.source if len(docs) == 1 else f"{len(docs)} documents"
    body = (_site_header("What claimcheck found", home_link=True) + "\n".join(sections)
            + json_link(report) + DISCLAIMER
            + f'<p class="meta">claimcheck {esc(report.tool_version)}, rules '
            f"{esc(report.rules_version)}</p>")
    return page(f"claimcheck: {title}: {score}", body, csp=SERVE_CSP, css=CSS)
