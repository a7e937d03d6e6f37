"""Rules and settings for people: ``rules list``, ``rules show``, ``explain`` and ``config``.

Plain rich output to a stream; the commands in ``cli/`` only pick what to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from rich.table import Table
from rich.text import Text

from ..types import Rule
from .text import make_console


def catalogue(rules: Iterable[Rule], classes: Iterable[Rule], checks: Iterable[Any]
              ) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """(heading, rows of (id, level, name, summary)) for everything a report can name."""
    rules, classes = list(rules), list(classes)

    def rows(items: Iterable[Rule]) -> list[tuple[str, str, str, str]]:
        return [(r.id, r.severity.value if r.kind.value == "red" else f"+{r.weight or 3:g}",
                 r.name, r.summary) for r in items]

    return [
        ("Red flags (rules)", rows(r for r in rules if r.kind.value == "red")),
        ("Good signs (rules)", rows(r for r in rules if r.kind.value == "green")),
        ("Claim classifier classes", rows(classes)),
        ("Missing-information checks",
         [(c.id, f"-{c.weight:g}", c.name, c.summary) for c in checks]),
    ]


def print_rules(sections: list[tuple[str, list[tuple[str, str, str, str]]]], version: str,
                stream: TextIO) -> None:
    """One line per rule, class and check, by section; a long summary wraps under itself."""
    console = make_console(stream)
    total = sum(len(rows) for _, rows in sections)
    console.print(Text(f"{total} rules, classes and checks (rules version {version})",
                       style="bold"))
    for heading, rows in sections:
        console.print()
        console.print(Text(f"{heading} ({len(rows)})", style="bold"))
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column("id", no_wrap=True)
        table.add_column("level", no_wrap=True, style="dim")
        table.add_column("name", no_wrap=True, style="dim")
        table.add_column("summary", overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)


def print_rule(rule: Rule | Any, stream: TextIO, *, detailed: bool) -> None:
    """One rule explained: why, what to ask, sources, examples (and its patterns if detailed);
    a missing-information check: what it looks for, why, what to ask."""
    console = make_console(stream)
    console.print(Text(f"{rule.id}  {rule.name}", style="bold"))
    if not isinstance(rule, Rule):  # a missing-information check
        console.print(rule.summary)
        console.print()
        console.print(Text("Why it matters: ", style="bold") + Text(rule.why))
        console.print(Text("What to ask: ", style="bold") + Text(rule.ask))
        console.print(Text("Costs: ", style="bold") + Text(
            f"{rule.weight:g} points, on a page that promotes a treatment and never shows a "
            f"good sign of kind {', '.join(sorted(rule.satisfied_by))}"))
        return
    console.print(rule.summary)
    console.print()
    console.print(Text("Why it matters: ", style="bold") + Text(rule.why))
    console.print(Text("What to ask: ", style="bold") + Text(rule.ask))
    if rule.kind.value == "red":
        console.print(Text("Severity: ", style="bold") + Text(rule.severity.value))
    console.print(Text("Sources:", style="bold"))
    for src in rule.sources:
        where = src.title or src.url or src.seed
        console.print(f"  - {where}: “{src.quote}”" + (f" <{src.url}>" if src.url and
                                                         src.title else ""))
    console.print(Text("Examples that are flagged:", style="bold"))
    for ex in rule.examples_flag:
        console.print(f"  ✗ {ex}")
    console.print(Text("Examples that are not:", style="bold"))
    for ex in rule.examples_pass:
        console.print(f"  ✓ {ex}")
    if detailed:
        console.print(Text("Category: ", style="bold") + Text(rule.category))
        console.print(Text("Patterns:", style="bold"))
        for p in rule.phrases:
            console.print(f"  - {p}")
        for tokens in rule.token_patterns:
            console.print(f"  - tokens: {list(tokens)}")
        console.print(Text("Defined in: ", style="bold") + Text(f"{rule.file}:{rule.line}"))


def print_settings(rows: Iterable[tuple[str, Any, str]], path: object, stream: TextIO) -> None:
    """``claimcheck config``: each setting, its value and where it comes from."""
    table = Table(title=f"config file: {path or 'none found'} (command-line flags override)",
                  title_justify="left")
    for col in ("setting", "value", "from"):
        table.add_column(col, overflow="fold")
    for key, value, src in rows:
        table.add_row(key.replace("_", "-"), "-" if value in (None, [], {}) else str(value), src)
    make_console(stream).print(table)
