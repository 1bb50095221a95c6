"""The thigh each session was planned for, as a column, and an index holding every column progress reads: progress
reads neither the whole script nor the rows themselves (issue 12)."""

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
    dependencies = [("store", "0006_record_receiver_started_index")]  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.AddField(
            model_name="sessionrecord",
            name="thigh_cm",
            field=models.FloatField(
                blank=True, null=True, help_text="The thigh (segment) length the session was planned for, in cm."
            ),
        ),
        migrations.RunPython(fill_thigh, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="sessionrecord",
            index=models.Index(
                fields=[
                    "receiver",
                    "technique_id",
                    "started_at",
                    "id",
                    "key",
                    "seconds_per_leg",
                    "active_seconds",
                    "before_left",
                    "before_right",
                    "before_back",
                    "after_left",
                    "after_right",
                    "after_back",
                    "ended_early",
                    "stop_reason",
                    "thigh_cm",
                ],
                name="store_record_progress",
            ),
        ),
    ]
