"""The shipment entry form puts a refusal where the person looks: the refused line is marked and the
message sits next to its quantity or price (a header field's next to that field). A drop-ship whose lines
come from several suppliers says so and offers one drop-ship per supplier, created all or nothing — on
the page and over the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import RowError
from core.forms import add_service_errors
from shipments.drop_ship_split import SupplierGroup, create_drop_ships_by_supplier, supplier_groups
from shipments.entry import LineInput, create_shipment
from shipments.forms import ShipmentHeaderForm
from shipments.models import Shipment, ShipmentState
from tests.factories import SupplierFactory

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def two_supplier_world():
    """An order of 3 lines (2 units each): lines 1 and 3 from one supplier, line 2 from another."""
    world = make_world(lines=3, quantity=2, stock=0)
    first = world.lines[0].product.default_supplier
    world.lines[2].product.default_supplier = first
    world.lines[2].product.save(update_fields=["default_supplier"])
    return world, first, world.lines[1].product.default_supplier


def entry(world, *, kind="drop_ship", supplier=None, quantities=None, prices=None, **extra):
    data = {"order": world.order.pk, "kind": kind, "freight": "0"}
    if kind == "drop_ship":
        data["supplier"] = (supplier or world.lines[0].product.default_supplier).pk
    else:
        data["warehouse"] = world.warehouse.pk
    for i, line in enumerate(world.lines):
        data[f"qty_{line.pk}"] = str((quantities or [line.quantity] * len(world.lines))[i])
        if kind == "drop_ship":
            data[f"price_{line.pk}"] = str((prices or ["10.00"] * len(world.lines))[i])
    data.update(extra)
    return data


def post_entry(client, world, **kwargs):
    client.force_login(world.sales)
    return client.post(reverse("shipments:shipment_create"), entry(world, **kwargs))


# ---- the service says which line and field ----------------------------------------------------------

def test_the_service_names_the_refused_line_and_field():
    world = make_world(lines=2, quantity=2, stock=0)
    with pytest.raises(ValidationError) as refused:
        create_shipment(order=world.order, kind="drop_ship", actor=world.sales,
                                 supplier=world.lines[0].product.default_supplier,
                                 lines=[LineInput(world.lines[0].pk, 3),
                                        LineInput(world.lines[1].pk, 1, Decimal("1.005"))])
    errors = refused.value.error_dict["lines"]
    assert [(type(e), e.row, e.field, e.index) for e in errors] == [
        (RowError, world.lines[0].pk, "quantity", 0), (RowError, world.lines[1].pk, "supplier_unit_price", 1)]
    assert "1 too many" in refused.value.message_dict["lines"][0]  # the messages read as before


def test_the_mapper_puts_row_errors_on_rows_field_errors_on_fields_and_the_rest_on_top():
    world = make_world(stock=0)
    form = ShipmentHeaderForm(data={"order": world.order.pk, "kind": "drop_ship", "freight": "0"})
    assert form.is_valid()
    exc = ValidationError({"lines": [RowError("too many", row=7, field="quantity"), RowError("lost", row=99)],
                           "freight": ["The freight must be 0 or more."], "order": ["closed"], "other": ["?"]})

    rows = add_service_errors(form, exc, rows=[7])

    assert rows == {7: {"quantity": ["too many"]}}
    assert form.errors["freight"] == ["The freight must be 0 or more."] and form.errors["order"] == ["closed"]
    assert form.non_field_errors() == ["lost", "?"]


# ---- the page marks the row and the field -------------------------------------------------------------

def test_too_many_units_mark_the_row_and_sit_next_to_its_quantity(client):
    world = make_world(lines=2, quantity=2)
    response = post_entry(client, world, kind="company_dispatch", quantities=[1, 5])

    assert response.status_code == 200 and not Shipment.objects.exists()
    html = response.content.decode()
    refused = world.lines[1]
    assert f'<tr data-line="{refused.pk}" class="table-danger line-invalid">' in html
    assert f'<tr data-line="{world.lines[0].pk}">' in html  # the good line is not marked
    assert f'aria-describedby="id_qty_{refused.pk}_error"' in html
    assert "3 too many" in response.context["lines"][1].errors["quantity"][0]
    assert "Nothing was saved: correct the marked lines." in response.context["form"].non_field_errors()
    assert f'value="5" id="id_qty_{refused.pk}"' in html  # what was typed stays


@pytest.mark.parametrize("price, why", [("1.005", "2 decimal places"), ("-1", "0 or more"),
                                        ("1e27", "10 digits"), ("NaN", "must be a number"), ("abc", "must be a number")])
def test_a_refused_price_sits_next_to_that_price(client, price, why):
    world = make_world(lines=2, quantity=2, stock=0)
    response = post_entry(client, world, prices=["10.00", price], one_supplier="1")

    assert response.status_code == 200 and not Shipment.objects.exists()
    line = response.context["lines"][1]
    assert why in " ".join(line.errors["supplier_unit_price"])
    assert f'id="id_price_{line.pk}_error"' in response.content.decode()
    assert not response.context["lines"][0].errors


@pytest.mark.parametrize("quantity", ["1.5", "²", "2^31", "-1"])
def test_a_quantity_that_is_not_a_whole_number_above_0_sits_next_to_it(client, quantity):
    world = make_world(lines=1, quantity=2)
    response = post_entry(client, world, kind="company_dispatch", quantities=[quantity])
    assert response.status_code == 200 and not Shipment.objects.exists()
    assert "whole number" in " ".join(response.context["lines"][0].errors["quantity"])


# ---- one drop-ship per supplier: service --------------------------------------------------------------

def test_lines_are_grouped_by_their_products_supplier():
    world, first, second = two_supplier_world()
    lines = [LineInput(line.pk, 1) for line in world.lines]
    groups = supplier_groups(world.order, lines)
    assert [(g.supplier, [line.order_line for line in g.lines]) for g in groups] == [
        (first, [world.lines[0].pk, world.lines[2].pk]), (second, [world.lines[1].pk])]


def test_one_drop_ship_per_supplier_each_with_its_lines_and_freight():
    world, first, second = two_supplier_world()
    groups = supplier_groups(world.order, [LineInput(line.pk, 2) for line in world.lines])
    groups[1].freight = Decimal("6.50")

    shipments = create_drop_ships_by_supplier(order=world.order, groups=groups, actor=world.sales, submit=True)

    assert [(s.supplier, s.freight, s.state) for s in shipments] == [
        (first, Decimal("0.00"), S.SUBMITTED), (second, Decimal("6.50"), S.SUBMITTED)]
    assert sorted(shipments[0].lines.values_list("order_line_id", flat=True)) == [world.lines[0].pk,
                                                                                  world.lines[2].pk]


def test_one_refused_supplier_saves_none_of_them():
    world, first, second = two_supplier_world()
    groups = [SupplierGroup(first, [LineInput(world.lines[0].pk, 9)]),
              SupplierGroup(second, [LineInput(world.lines[1].pk, 2)], freight=Decimal("-1"))]
    with pytest.raises(ValidationError) as refused:
        create_drop_ships_by_supplier(order=world.order, groups=groups, actor=world.sales)
    assert not Shipment.objects.exists()
    assert "7 too many" in refused.value.message_dict["lines"][0]
    assert refused.value.message_dict["freight"][0].startswith(f"{second}: ")


# ---- one drop-ship per supplier: the page ----------------------------------------------------------------

def test_a_drop_ship_of_two_suppliers_lines_says_so_and_offers_one_per_supplier(client):
    world, first, second = two_supplier_world()
    response = post_entry(client, world, supplier=first)

    assert response.status_code == 200 and not Shipment.objects.exists()
    html = response.content.decode()
    assert "These lines come from 2 suppliers: create 2 drop-ships, one per supplier." in html
    assert 'id="split-confirm"' in html and f'name="freight_{second.pk}"' in html
    assert [g.supplier for g in response.context["split"]] == [first, second]


def test_confirming_the_split_creates_one_drop_ship_per_supplier_and_submits_them(client):
    world, first, second = two_supplier_world()
    response = post_entry(client, world, supplier=first, split="1", then_submit="1",
                          **{f"freight_{first.pk}": "0", f"freight_{second.pk}": "8.00"})

    assert response.status_code == 302 and response["Location"] == world.order.get_absolute_url()
    shipments = list(Shipment.objects.order_by("pk"))
    assert [(s.supplier, s.freight, s.state, s.lines.count()) for s in shipments] == [
        (first, Decimal("0.00"), S.SUBMITTED, 2), (second, Decimal("8.00"), S.SUBMITTED, 1)]


def test_a_refusal_in_the_split_marks_the_line_and_saves_nothing(client):
    world, first, second = two_supplier_world()
    response = post_entry(client, world, supplier=first, split="1", prices=["10.00", "1.001", "10.00"])

    assert response.status_code == 200 and not Shipment.objects.exists()
    message = response.context["lines"][1].errors["supplier_unit_price"][0]
    assert "2 decimal places" in message and message.startswith("Line 2 (")  # named as on the form
    assert 'id="supplier-split"' in response.content.decode()  # the offer stays


def test_shipping_everything_from_the_chosen_supplier_stays_possible(client):
    world, first, _second = two_supplier_world()
    response = post_entry(client, world, supplier=first, one_supplier="1")
    shipment = Shipment.objects.get()
    assert response.status_code == 302 and shipment.supplier == first and shipment.lines.count() == 3
    assert shipment.state == S.DRAFT


def test_lines_of_one_supplier_are_saved_as_before(client):
    world, first, _second = two_supplier_world()
    response = post_entry(client, world, supplier=first, quantities=[2, 0, 2])
    assert response.status_code == 302 and Shipment.objects.get().supplier == first


# ---- the API -----------------------------------------------------------------------------------------------

def test_the_api_names_the_refused_line_and_field(api_client):
    world = make_world(lines=2, quantity=2, stock=0)
    sales, _ = api_client(user=world.sales)
    response = sales.post("/api/v1/shipments", {
        "order": world.order.pk, "kind": "drop_ship", "supplier": world.lines[0].product.default_supplier_id,
        "lines": [{"order_line": world.lines[0].pk, "quantity": 1},
                  {"order_line": world.lines[1].pk, "quantity": 5}]}, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "3 too many" in errors["lines.1.quantity"][0] and "3 too many" in errors["lines"][0]
    assert "lines.0.quantity" not in errors


def test_the_api_enters_one_drop_ship_per_supplier_all_or_nothing(api_client):
    world, first, second = two_supplier_world()
    sales, _ = api_client(user=world.sales)
    body = {"order": world.order.pk, "submit": True,
            "lines": [{"order_line": line.pk, "quantity": 2} for line in world.lines],
            "freights": [{"supplier": second.pk, "freight": "5.00"}]}

    refused = sales.post("/api/v1/shipments/drop-ships",
                         {**body, "lines": [*body["lines"][:2], {"order_line": world.lines[2].pk, "quantity": 3}]},
                         content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"]["lines.2.quantity"][0].startswith("Line 3 (")
    assert not Shipment.objects.exists()

    response = sales.post("/api/v1/shipments/drop-ships", body, content_type="application/json")
    assert response.status_code == 201, response.content
    items = response.json()["items"]
    assert [(i["supplier"], i["freight"], i["state"], len(i["lines"])) for i in items] == [
        (first.pk, "0.00", "submitted", 2), (second.pk, "5.00", "submitted", 1)]


def test_the_api_refuses_a_freight_for_a_supplier_of_no_line(api_client):
    world, _first, _second = two_supplier_world()
    stranger = SupplierFactory()
    sales, _ = api_client(user=world.sales)
    response = sales.post("/api/v1/shipments/drop-ships", {
        "order": world.order.pk, "lines": [{"order_line": world.lines[0].pk, "quantity": 1}],
        "freights": [{"supplier": stranger.pk, "freight": "1.00"}]}, content_type="application/json")
    assert response.status_code == 400 and "freights" in response.json()["errors"]
    assert not Shipment.objects.exists()
