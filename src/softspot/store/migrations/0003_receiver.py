"""Receivers: several people in one household, each with their own records (step 1 of 3).

Adds the ``Receiver`` table and a nullable ``SessionRecord.receiver``; the owner
column becomes nullable so that the steps can be undone. Step 2 moves the records,
step 3 makes the receiver required and drops the owner column. The three steps are
separate migrations because PostgreSQL cannot alter a table in the transaction that
updated its rows (pending foreign-key trigger events).
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [  # noqa: RUF012
        ("store", "0002_record_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [  # noqa: RUF012
        migrations.CreateModel(
            name="Receiver",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40)),
                (
                    "thigh_cm",
                    models.FloatField(blank=True, help_text="Thigh length as last measured, in cm.", null=True),
                ),
                (
                    "height_cm",
                    models.FloatField(blank=True, help_text="Height, to estimate the thigh, in cm.", null=True),
                ),
                (
                    "unit",
                    models.CharField(
                        choices=[("cm", "Cm"), ("in", "In")],
                        default="cm",
                        help_text="The unit they measure in.",
                        max_length=2,
                    ),
                ),
                (
                    "first_leg",
                    models.CharField(blank=True, help_text="Side id to start with; blank: the default.", max_length=60),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="receivers",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("created", "id"),
                "constraints": [
                    models.UniqueConstraint(
                        models.F("owner"),
                        django.db.models.functions.text.Lower("name"),
                        name="store_receiver_name_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True), name="store_receiver_name_not_empty"
                    ),
                    models.CheckConstraint(condition=models.Q(("unit__in", ("cm", "in"))), name="store_receiver_unit"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("thigh_cm__isnull", True),
                            models.Q(("thigh_cm__gt", 0), ("thigh_cm__lte", 500)),
                            _connector="OR",
                        ),
                        name="store_receiver_thigh_cm",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("height_cm__isnull", True),
                            models.Q(("height_cm__gt", 0), ("height_cm__lte", 500)),
                            _connector="OR",
                        ),
                        name="store_receiver_height_cm",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="sessionrecord",
            name="receiver",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="records",
                to="store.receiver",
            ),
        ),
        migrations.AlterField(
            model_name="sessionrecord",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="session_records",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
