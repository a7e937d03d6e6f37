"""Rules and settings for people: ``rules list``, ``rules show``, ``explain`` and ``config``.

Plain rich output to a stream; the commands in ``cli.py`` only pick what to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from rich.table import Table
from rich.text import Text

from ..types import Rule
from .text import make_console


def print_rules(rules: Iterable[Rule], version: str, stream: TextIO) -> None:
    """The rules in force as a table: id, name, category, kind, severity, summary."""
    rules = list(rules)
    table = Table(title=f"{len(rules)} rules (version {version})", title_justify="left")
    for col in ("id", "name", "category", "kind", "severity", "summary"):
        table.add_column(col, overflow="fold")
    for r in rules:
        table.add_row(r.id, r.name, r.category, r.kind.value,
                      r.severity.value if r.kind.value == "red" else "-", r.summary)
    make_console(stream).print(table)


def print_rule(rule: Rule, stream: TextIO, *, detailed: bool) -> None:
    """One rule explained: why, what to ask, sources, examples (and its patterns if detailed)."""
    console = make_console(stream)
    console.print(Text(f"{rule.id}  {rule.name}", style="bold"))
    console.print(rule.summary)
    console.print()
    console.print(Text("Why it matters: ", style="bold") + Text(rule.why))
    console.print(Text("What to ask: ", style="bold") + Text(rule.ask))
    if rule.kind.value == "red":
        console.print(Text("Severity: ", style="bold") + Text(rule.severity.value))
    console.print(Text("Sources:", style="bold"))
    for src in rule.sources:
        where = src.seed or src.title or src.url
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
