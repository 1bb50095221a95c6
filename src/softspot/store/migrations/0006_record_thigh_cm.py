"""The thigh each session was planned for, as a column: progress reads it without loading the whole script."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast


def fill_thigh(apps: Any, schema_editor: Any) -> None:
    """One UPDATE, done by the database: ``script.person.thigh_cm`` of every record (a validated number)."""
    records = apps.get_model("store", "SessionRecord")
    records.objects.filter(thigh_cm__isnull=True).update(
        thigh_cm=Cast(KT("script__person__thigh_cm"), models.FloatField())
    )


class Migration(migrations.Migration):
    dependencies = [("store", "0005_record_receiver_required")]  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.AddField(
            model_name="sessionrecord",
            name="thigh_cm",
            field=models.FloatField(
                blank=True, null=True, help_text="The thigh (segment) length the session was planned for, in cm."
            ),
        ),
        migrations.RunPython(fill_thigh, migrations.RunPython.noop, elidable=True),
    ]
