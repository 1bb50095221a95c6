"""Named people of a practice for tests: Jo and Kim (therapists), households and their receivers.

Builders only; no fixture here is loaded by every test.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from tests.helpers import ENGLISH_SOURCE

from softspot.practice.models import Therapist

FILE = "evening.yaml"


def technique_text(version: str = "1.0", technique_id: str = "evening-hamstring", grow_by: str = "1 min") -> str:
    """The built-in hamstring file (its English-only form), as a therapist's own technique (id, version, and one
    value to change)."""
    text = ENGLISH_SOURCE
    text = text.replace("id: hands-free-hamstring", f"id: {technique_id}", 1)
    text = text.replace('version: "1.1"', f'version: "{version}"', 1)
    return text.replace("grow_by: 1 min", f"grow_by: {grow_by}", 1)


def with_error(text: str) -> str:
    """The same text with one mistake: a time without its unit, at line 222."""
    return text.replace("grow_by: 1 min", "grow_by: 1", 1)


def make_therapist(username: str, name: str, handle: str | None = None) -> Therapist:
    user = User.objects.create_user(username, password=f"{username} has a long password")
    return Therapist.objects.create(user=user, handle=handle or username, name=name)
