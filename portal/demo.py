"""Demo supplier logins (password `demo`): `supplier` (from accounts' demo, tied to hz-textile by catalog's)
and one more per other demo supplier, each tied to its one supplier, reading the portal in Chinese."""

from django.contrib.auth.models import Group

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.roles import Role

SUPPLIER_LOGINS = [
    # username, supplier code, first name, last name
    ("supplier-sz", "sz-electronics", "Lin", "Tao 林涛"),
    ("supplier-nb", "nb-home", "Wu", "Yan 吴燕"),
]


def seed(context):
    group = Group.objects.get(name=Role.SUPPLIER)
    for username, code, first, last in SUPPLIER_LOGINS:
        supplier = context["suppliers"][code]
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@supplier.example", "language": "zh-hans"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            context.created("users")
        user.groups.add(group)
        if not user.supplier_accounts.exclude(pk=supplier.pk).exists():  # one supplier per login
            supplier.portal_users.add(user)
        context.logins.append((username, f"supplier 供应商 · {supplier.name}"))
