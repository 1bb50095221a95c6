"""Each receiver's progress tally per technique, kept to carry on from instead of reading the whole history (issue 12).

A cache: empty after migrating, filled by the first progress read (softspot.store.tallies.tally_for).
"""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("store", "0008_receiver_language")]  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.CreateModel(
            name="ProgressTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("technique_id", models.CharField(max_length=60)),
                ("sessions", models.PositiveIntegerField()),
                ("id_sum", models.BigIntegerField()),
                ("id_max", models.BigIntegerField()),
                ("last_started_at", models.DateTimeField()),
                ("last_id", models.BigIntegerField()),
                (
                    "state",
                    models.TextField(
                        help_text="softspot.store.tallies.dumps(): the Tally's counts, buckets and last sessions."
                    ),
                ),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "receiver",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="store.receiver"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("receiver", "technique_id"), name="store_progress_tally_unique")
                ],
            },
        ),
    ]
