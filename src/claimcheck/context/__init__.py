"""Context: decide, for each candidate claim, whether it is the writer's own (see ``judge``)."""

from __future__ import annotations

from .cues import CueTable, load_cues
from .judge import ContextJudge, Judgement

__all__ = ["ContextJudge", "CueTable", "Judgement", "load_cues"]
