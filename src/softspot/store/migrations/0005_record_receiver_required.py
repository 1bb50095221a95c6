"""Receivers, step 3 of 3: every record has a receiver; the owner column goes (the receiver's owner is it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [  # noqa: RUF012
        ("store", "0004_records_to_first_receivers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [  # noqa: RUF012
        migrations.AlterField(
            model_name="sessionrecord",
            name="receiver",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="records", to="store.receiver"
            ),
        ),
        migrations.RemoveIndex(
            model_name="sessionrecord",
            name="store_owner_technique",
        ),
        migrations.RemoveField(
            model_name="sessionrecord",
            name="owner",
        ),
        migrations.AddIndex(
            model_name="sessionrecord",
            index=models.Index(fields=["receiver", "technique_id", "started_at"], name="store_receiver_technique"),
        ),
    ]
