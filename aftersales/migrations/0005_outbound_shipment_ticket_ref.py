"""Each ticket's current outbound shipment names its ticket (shipments' `ticket_ref`), so the database
holds a ticket to one live outbound shipment from now on. Earlier rejected outbound shipments keep no
reference: the reopen transition refuses every exchange/reship shipment, so they stay rejected."""

from django.db import migrations


def name_the_tickets(apps, schema_editor):
    Ticket = apps.get_model("aftersales", "Ticket")
    Shipment = apps.get_model("shipments", "Shipment")
    pairs = Ticket.objects.filter(outbound_shipment__isnull=False).values_list("pk", "outbound_shipment_id")
    for ticket_id, shipment_id in pairs.iterator():
        Shipment.objects.filter(pk=shipment_id, ticket_ref__isnull=True).exclude(purpose="sale").update(
            ticket_ref=ticket_id)


class Migration(migrations.Migration):

    dependencies = [
        ("aftersales", "0004_ticket_outbound_shipment"),
        ("shipments", "0004_shipment_ticket_ref"),
    ]

    operations = [
        migrations.RunPython(name_the_tickets, migrations.RunPython.noop),
    ]
