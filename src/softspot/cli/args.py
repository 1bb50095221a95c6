"""Command-line arguments shared by several commands, as plain data (importing this loads neither Typer nor
pydantic, so :mod:`softspot.cli.fast` can build them too)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanArgs:
    """The planning options as given on the command line (``plan`` and ``render-audio`` share them)."""

    technique: str
    thigh: str | None = None
    height: str | None = None
    minutes_per_leg: float | None = None
    start_leg: str | None = None
    position: str | None = None
    surface: str | None = None
    add_ons: list[str] = field(default_factory=list)
    sessions: int | None = None
    answers: list[str] = field(default_factory=list)
    cleared: bool = False
    receiver: str | None = None
    language: str | None = None
