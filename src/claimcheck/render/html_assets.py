"""The inline stylesheet and script of the HTML report (no external assets, no network)."""

from __future__ import annotations

#: the page may load nothing at all: no scripts, styles, images, fonts or frames from anywhere
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")

CSS = """
:root { --red: #c62828; --red-bg: #ffd9d6; --grey: #6b6b6b; --grey-bg: #efefef;
  --green: #2e7d32; --green-bg: #d8f3dc; --ink: #1d1d1f; --line: #d9d9de; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #f6f6f8; }
main { max-width: 1240px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { margin: .5rem 0 .25rem; font-size: 1.6rem; }
h2 { margin: 0; font-size: 1.25rem; overflow-wrap: anywhere; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
.meta, .disclaimer, .counts, .note { color: #555; font-size: .9rem; margin: .2rem 0; }
.index, .doc { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 1rem 1.25rem; margin: 1rem 0; }
.index table, .arith { border-collapse: collapse; width: 100%; }
.index th, .index td, .arith td, .arith th { text-align: left; padding: .3rem .5rem;
  border-bottom: 1px solid var(--line); vertical-align: top; }
.index td.num, .arith td.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.doc-head { display: flex; align-items: center; gap: .9rem; flex-wrap: wrap; }
.badge { display: inline-flex; align-items: baseline; gap: .35rem; border-radius: 8px;
  padding: .2rem .6rem; color: #fff; font-weight: 700; white-space: nowrap; }
.badge .score { font-size: 1.35rem; } .badge .of { font-size: .8rem; opacity: .85; }
.badge .grade { font-size: 1rem; border-left: 1px solid rgba(255,255,255,.5); padding-left: .4rem; }
.index .badge .score { font-size: 1rem; }
.grade-A { background: #2e7d32; } .grade-B { background: #558b2f; }
.grade-C { background: #f9a825; color: #222; } .grade-C .grade { border-color: rgba(0,0,0,.3); }
.grade-D { background: #e65100; } .grade-F { background: #b71c1c; }
.grade-error { background: #616161; }
.verdict { font-size: 1.08rem; font-weight: 600; margin: .6rem 0 .2rem; }
.error { color: var(--red); font-weight: 600; }
.cols { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem;
  align-items: start; }
/* the text stays in view beside a long column of explanations */
.text-col { position: sticky; top: .5rem; max-height: calc(100vh - 1rem); overflow-y: auto; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; }
  .text-col { position: static; max-height: none; overflow: visible; } }
.md { display: none; }
td, th, .card, .where, summary { overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; background: #fcfcfd;
  border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; line-height: 1.7; }
.legend { font-size: .85rem; color: #555; margin: 0 0 .5rem; }
.legend span { margin-right: .8rem; padding: 0 .25rem; }
mark.hl { color: inherit; padding: 0 1px; border-radius: 2px; cursor: pointer; }
mark.counted, .key-counted { background: var(--red-bg); border-bottom: 2px solid var(--red); }
mark.counted.sev-high { background: #ffc4bf; }
mark.mentioned, .key-mentioned { background: var(--grey-bg);
  border-bottom: 2px dotted var(--grey); }
mark.signal, .key-signal { background: var(--green-bg); border-bottom: 2px solid var(--green); }
mark.hl mark.hl { padding: 1px 0; }
mark.hl:hover, mark.hl:focus, mark.hl:target, mark.hl.current { outline: 2px solid #1e63c4;
  outline-offset: 1px; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--grey); border-radius: 6px;
  margin: .4rem 0; padding: .35rem .7rem; background: #fff; }
.card.counted { border-left-color: var(--red); } .card.signal { border-left-color: var(--green); }
.card summary { cursor: pointer; }
.card:target, .card.current { box-shadow: 0 0 0 3px #1e63c4; }
.card p { margin: .35rem 0; } .card .where { color: #666; font-size: .85rem; }
.sev { display: inline-block; min-width: 4.2em; font-size: .72rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: .03em; }
.sev-high .sev { color: var(--red); } .sev-medium .sev { color: #b45309; }
.sev-low .sev { color: #0e7490; }
.card.mentioned .sev, .card.signal .sev { color: var(--grey); }
.card.signal .sev { color: var(--green); }
.q b { background: #fff3b0; font-weight: 700; }
ul.missing { padding-left: 1.2rem; } ul.missing li { margin: .3rem 0; }
.arith tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.top-link { font-size: .85rem; margin-left: auto; }
.toolbar { font-size: .85rem; } .toolbar button { font: inherit; cursor: pointer; }
html:not(.js) .toolbar { display: none; }
@media print { .toolbar, .top-link { display: none; } details.card { break-inside: avoid; } }
"""

#: clicking a highlight opens and shows its card; "open all" expands every explanation
JS = """
(function () {
  document.documentElement.classList.add('js');
  function show(mark) {
    var card = document.getElementById(mark.getAttribute('data-card'));
    if (!card) { return; }
    document.querySelectorAll('.current').forEach(function (el) {
      el.classList.remove('current');
    });
    card.open = true;
    card.classList.add('current');
    mark.classList.add('current');
    card.scrollIntoView({block: 'center'});
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (target.closest && target.closest('button[data-open]')) {
      var section = target.closest('section');
      var open = target.getAttribute('data-open') === '1';
      section.querySelectorAll('details.card').forEach(function (d) { d.open = open; });
      return;
    }
    var mark = target.closest ? target.closest('mark.hl') : null;
    if (mark) { event.preventDefault(); show(mark); }
  });
  document.addEventListener('keydown', function (event) {
    var mark = event.target.closest ? event.target.closest('mark.hl') : null;
    if (mark && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault(); show(mark);
    }
  });
})();
"""
