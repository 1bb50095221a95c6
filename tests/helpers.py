"""Small builders shared by tests (no fixtures loaded by every test)."""

from __future__ import annotations

from softspot.core.loader import built_in
from softspot.core.planner import PlanOptions, plan
from softspot.core.script import SessionScript
from softspot.core.technique import Technique
from softspot.core.units import parse_length

ALL_NO = {
    "heart_condition": False,
    "varicose_veins": False,
    "pregnant": False,
    "floor_difficulty": False,
    "blood_clots": False,
    "skin": False,
    "recent_injury": False,
    "bones": False,
    "joint_replacement": False,
    "nerves": False,
}
NO_ANSWERS = [f"--answer={q}=no" for q in ALL_NO]


def answers(*yes: str) -> list[str]:
    """``--answer`` options: "yes" to the questions named, "no" to the rest."""
    return [f"--answer={q}={'yes' if q in yes else 'no'}" for q in ALL_NO]


def hamstring() -> Technique:
    return built_in("hands-free-hamstring")


def make_plan(thigh: str | None = None, minutes: float | None = None, **options: object) -> SessionScript:
    answers = {**ALL_NO, **options.pop("answers", {})}  # type: ignore[dict-item]
    return plan(
        hamstring(),
        PlanOptions(
            thigh=parse_length(thigh) if thigh else None,
            minutes_per_leg=minutes,
            answers=answers,
            **options,  # type: ignore[arg-type]
        ),
    )
