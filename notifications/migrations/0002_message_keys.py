"""Rows store a message key and parameters instead of frozen text. Rows written before keep their text as
the "literal" message (shown as stored)."""

from django.db import migrations, models


def to_literal(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    for row in Notification.objects.only("pk", "subject", "body").iterator(chunk_size=2000):
        row.message = "literal"
        row.params = {"subject": row.subject, "body": row.body}
        batch.append(row)
        if len(batch) == 2000:
            Notification.objects.bulk_update(batch, ["message", "params"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["message", "params"])


def to_text(apps, schema_editor):
    """Back to frozen text: each row rendered once more, in the site's language."""
    from django.conf import settings

    from notifications.messages import render

    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.iterator(chunk_size=2000):
        subject, body = render(row.message, row.params, settings.LANGUAGE_CODE)
        row.subject, row.body = subject[:200], body
        row.save(update_fields=["subject", "body"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(model_name="notification", name="message",
                            field=models.CharField(default="literal", max_length=100, verbose_name="message"),
                            preserve_default=False),
        migrations.AddField(model_name="notification", name="params",
                            field=models.JSONField(blank=True, default=dict, verbose_name="parameters")),
        migrations.RunPython(to_literal, to_text),
        # Defaults only so that migrating back can add the columns again to a table with rows.
        migrations.AlterField(model_name="notification", name="subject",
                              field=models.CharField(default="", max_length=200, verbose_name="subject")),
        migrations.AlterField(model_name="notification", name="body",
                              field=models.TextField(blank=True, default="", verbose_name="message")),
        migrations.RemoveField(model_name="notification", name="subject"),
        migrations.RemoveField(model_name="notification", name="body"),
    ]
