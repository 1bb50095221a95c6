"""Receivers, step 2 of 3: every owner's existing records move to a first receiver.

The first receiver is named after the owner's first name, or "Receiver" (the
command line's local owner, an account without one); it is given the thigh and
unit of the owner's last measured session (or the height of the last session
planned from one), so the next session starts where the last one left off.
Owners without records get no receiver: one is made at their first session.
Undone, each record goes back to its receiver's owner.
"""

from typing import Any

from django.conf import settings
from django.db import migrations

FIRST_RECEIVER = "Receiver"
LOCAL_USERNAME = "local"
NAME_MAX_CHARS = 40


def first_name(owner: Any) -> str:
    name = " ".join((owner.first_name or "").split())[:NAME_MAX_CHARS].strip()
    if owner.username == LOCAL_USERNAME or not name:
        return FIRST_RECEIVER
    return name


def measurements(records: Any) -> dict[str, Any]:
    """Thigh, height and unit from the newest record that has them (a measured thigh, else a height)."""
    for script in records.order_by("-started_at", "-id").values_list("script", flat=True).iterator():
        person = script.get("person") if isinstance(script, dict) else None
        if not isinstance(person, dict):
            continue
        unit = person.get("unit") if person.get("unit") in ("cm", "in") else "cm"
        thigh, height = person.get("thigh_cm"), person.get("height_cm")
        if person.get("thigh_source") == "measured" and isinstance(thigh, int | float) and 0 < thigh <= 500:
            return {"thigh_cm": float(thigh), "unit": unit}
        if person.get("thigh_source") == "height" and isinstance(height, int | float) and 0 < height <= 500:
            return {"height_cm": float(height), "unit": unit}
    return {}


def forwards(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model(settings.AUTH_USER_MODEL)
    SessionRecord = apps.get_model("store", "SessionRecord")
    Receiver = apps.get_model("store", "Receiver")
    owners = SessionRecord.objects.filter(receiver__isnull=True).values_list("owner_id", flat=True).distinct()
    for owner in User.objects.filter(pk__in=list(owners)).order_by("pk"):
        records = SessionRecord.objects.filter(owner=owner, receiver__isnull=True)
        receiver = Receiver.objects.filter(owner=owner).order_by("created", "id").first()
        if receiver is None:
            receiver = Receiver.objects.create(owner=owner, name=first_name(owner), **measurements(records))
        records.update(receiver=receiver)


def backwards(apps: Any, schema_editor: Any) -> None:
    SessionRecord = apps.get_model("store", "SessionRecord")
    for receiver_id, owner_id in (
        SessionRecord.objects.values_list("receiver_id", "receiver__owner_id").distinct().iterator()
    ):
        SessionRecord.objects.filter(receiver_id=receiver_id).update(owner_id=owner_id)


class Migration(migrations.Migration):
    dependencies = [  # noqa: RUF012
        ("store", "0003_receiver"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [  # noqa: RUF012
        migrations.RunPython(forwards, backwards),
    ]
