"""Renderers: each takes a Report (or document reports as they finish) and a text stream."""

from __future__ import annotations

FORMATS = ("text", "json", "jsonl")
