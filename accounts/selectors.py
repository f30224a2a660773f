"""Who holds a role, for the pages of other apps that pick people (a store's salesperson, a supplier's
portal logins): they ask here and need not know how roles are stored."""

from django.contrib.auth import get_user_model

from .roles import Role


def users_in_role(role):
    return get_user_model().objects.filter(is_active=True, groups__name=role).distinct().order_by("username")


def salespeople():
    """Active users in the sales group: those who may be responsible for a store."""
    return users_in_role(Role.SALES)


def supplier_logins():
    """Active supplier logins: those who may be a supplier's portal users."""
    return users_in_role(Role.SUPPLIER)
