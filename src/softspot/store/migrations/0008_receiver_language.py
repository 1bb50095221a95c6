"""Each receiver's language for their sessions; blank follows the device or terminal (issue 11)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("store", "0007_record_thigh_cm")]  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.AddField(
            model_name="receiver",
            name="language",
            field=models.CharField(
                blank=True,
                default="",
                max_length=8,
                help_text="The language their sessions are in (softspot.i18n); blank: follow the device or terminal.",
            ),
        ),
    ]
