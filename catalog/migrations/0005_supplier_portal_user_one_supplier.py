"""Supplier.portal_users gets an explicit through model on the table it always had
(catalog_supplier_portal_users), so the database can hold each user to one supplier at most."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_store_promised_dispatch_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SupplierPortalUser",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("supplier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                       to="catalog.supplier")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "catalog_supplier_portal_users", "verbose_name": "supplier portal user",
                             "verbose_name_plural": "supplier portal users"},
                ),
                migrations.AlterField(
                    model_name="supplier",
                    name="portal_users",
                    field=models.ManyToManyField(blank=True, related_name="supplier_accounts",
                                                 through="catalog.SupplierPortalUser", to=settings.AUTH_USER_MODEL,
                                                 verbose_name="portal users"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddConstraint(
            model_name="supplierportaluser",
            constraint=models.UniqueConstraint(fields=["user"], name="supplier_portal_user_one_supplier"),
        ),
    ]
