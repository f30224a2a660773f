"""Demo logins: one per role (password `demo`) and `admin` (superuser). Called by core's seed_demo."""

from django.contrib.auth.models import Group

from .models import User
from .roles import Role

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, role, first name, last name
    ("sales", Role.SALES, "Li", "Na 李娜"),
    ("approver", Role.APPROVER, "Wang", "Qiang 王强"),
    ("warehouse", Role.WAREHOUSE, "Zhao", "Lei 赵磊"),
    ("finance", Role.FINANCE, "Chen", "Jing 陈静"),
    ("supervisor", Role.FINANCE_SUPERVISOR, "Liu", "Fang 刘芳"),
    ("manager", Role.MANAGER, "Zhou", "Min 周敏"),
    ("supplier", Role.SUPPLIER, "Sun", "Hao 孙浩"),
]


def _user(username, **defaults):
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


def seed(context):
    """context["users"]: {username: user}; the logins to print go to context.logins."""
    users = {}
    for username, role, first, last in DEMO_USERS:
        user, created = _user(username, first_name=first, last_name=last, email=f"{username}@consign.local")
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
        if created:
            context.created("users")
        context.logins.append((username, str(role.label)))
    admin, created = _user("admin", is_staff=True, is_superuser=True, email="admin@consign.local")
    if created:
        context.created("users")
    users["admin"] = admin
    context.logins.append(("admin", "administrator (Django admin at /admin/)"))
    context["users"] = users
