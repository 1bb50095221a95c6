"""Small builders shared by tests (no fixtures loaded by every test)."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

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


ENGLISH_SOURCE = (Path(__file__).resolve().parent / "data" / "hands-free-hamstring-en.yaml").read_text(encoding="utf-8")
"""The built-in technique as written before it had languages: plain English strings. Tests that edit a technique
file's text edit this one; the built-in file (every text in en, es, de and th) is tested by test_technique_languages."""


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


NIGHT = datetime(2026, 11, 23, 20, 1, 2, tzinfo=UTC)


@lru_cache
def _script(minutes: float) -> dict[str, Any]:
    return make_plan(minutes=minutes).model_dump(mode="json")


def make_payload(
    *,
    key: uuid.UUID | None = None,
    before: tuple[int, int, int] = (6, 5, 4),
    after: tuple[int, int, int] | None = (3, 3, 2),
    minutes: float = 3,
    started_at: datetime = NIGHT,
    stop_reason: str | None = None,
    source: str = "web",
    note: str = "felt good",
) -> dict[str, Any]:
    """A record as a player sends it: a real plan and a hand-made engine record."""
    script = copy.deepcopy(_script(minutes))  # callers may change it
    spots: list[dict[str, Any]] = []
    legs: list[dict[str, Any]] = []
    for leg in script["legs"]:
        held_on_leg = 0.0
        for n, spot in enumerate(leg["spots"]):
            held = spot["hold_seconds"] * (0.75 if n == 0 else 1.0)
            spots.append(
                {
                    "leg": leg["leg"],
                    "index": spot["index"],
                    "from_knee_cm": spot["from_knee_cm"],
                    "planned_seconds": spot["hold_seconds"],
                    "held_seconds": held,
                    "extended_seconds": 0,
                    "ended_by": "softened" if n == 0 else "time",
                }
            )
            held_on_leg += held
            if stop_reason:
                spots[-1]["ended_by"] = "stopped"
                break
        legs.append({"leg": leg["leg"], "seconds": held_on_leg, "ended_by": "stopped" if stop_reason else "time"})
        if stop_reason:
            break
    ended_at = float(script["total_seconds"] + 12)
    engine = {
        "ended_at": ended_at,
        "ended_early": stop_reason is not None,
        "stop_reason": stop_reason,
        "paused_seconds": 12.0,
        "pauses": [{"at": 100.0, "seconds": 12.0}],
        "spots": spots,
        "legs": legs,
    }
    ratings = ("left", "right", "back")
    return {
        "key": str(key or uuid.uuid4()),
        "source": source,
        "script": script,
        "engine": engine,
        "before": dict(zip(ratings, before, strict=True)),
        "after": None if after is None else dict(zip(ratings, after, strict=True)),
        "note": note,
        "started_at": started_at.isoformat().replace("+00:00", "Z"),
        "ended_at": (started_at + timedelta(seconds=ended_at)).isoformat().replace("+00:00", "Z"),
    }


def receiver_of(user: Any) -> Any:
    """The household's only receiver (made, named as a first receiver is, when there is none yet)."""
    from softspot.store.receivers import only_or_first

    return only_or_first(user)
