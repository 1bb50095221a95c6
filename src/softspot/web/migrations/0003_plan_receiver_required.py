"""A plan is for one receiver (step 2 of 2): required from now on (its own migration: see store.0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [  # noqa: RUF012
        ("web", "0002_plan_receiver"),
    ]

    operations = [  # noqa: RUF012
        migrations.AlterField(
            model_name="plan",
            name="receiver",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="plans", to="store.receiver"
            ),
        ),
    ]
