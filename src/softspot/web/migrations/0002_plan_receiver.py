"""A plan is for one receiver (step 1 of 2): the column, and existing plans given their owner's first receiver.

An owner with plans but no records yet gets a first receiver here, named as in
``store.0004_records_to_first_receivers``.
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIRST_RECEIVER = "Receiver"
LOCAL_USERNAME = "local"
NAME_MAX_CHARS = 40


def first_name(owner: Any) -> str:
    name = " ".join((owner.first_name or "").split())[:NAME_MAX_CHARS].strip()
    if owner.username == LOCAL_USERNAME or not name:
        return FIRST_RECEIVER
    return name


def forwards(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Plan = apps.get_model("web", "Plan")
    Receiver = apps.get_model("store", "Receiver")
    owners = Plan.objects.filter(receiver__isnull=True).values_list("owner_id", flat=True).distinct()
    for owner in User.objects.filter(pk__in=list(owners)).order_by("pk"):
        receiver = Receiver.objects.filter(owner=owner).order_by("created", "id").first()
        if receiver is None:
            receiver = Receiver.objects.create(owner=owner, name=first_name(owner))
        Plan.objects.filter(owner=owner, receiver__isnull=True).update(receiver=receiver)


class Migration(migrations.Migration):
    dependencies = [  # noqa: RUF012
        ("web", "0001_initial"),
        ("store", "0005_record_receiver_required"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [  # noqa: RUF012
        migrations.AddField(
            model_name="plan",
            name="receiver",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="plans",
                to="store.receiver",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
