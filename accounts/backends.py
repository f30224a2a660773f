"""The authentication backend (settings.AUTHENTICATION_BACKENDS): Django's ModelBackend, except that a
user's permissions — their own and their groups' — are read in one statement together with the names of
their groups (User.role_names), instead of one statement for each. Every request loads its user anew, so
this is what each request (and each service call of a freshly loaded user) pays for its permission checks."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, F, Value


def permission_rows(user):
    """(group name or "", app label, codename) of every group of `user` (with each of its permissions, or
    none) and of every permission given to `user` directly: one statement (UNION ALL)."""
    groups = Group.objects.filter(user=user).annotate(
        row_group=F("name"), row_app=F("permissions__content_type__app_label"), row_code=F("permissions__codename"),
    ).order_by().values_list("row_group", "row_app", "row_code")
    own = Permission.objects.filter(user=user).annotate(
        row_group=Value("", output_field=CharField()), row_app=F("content_type__app_label"), row_code=F("codename"),
    ).order_by().values_list("row_group", "row_app", "row_code")
    return groups.union(own, all=True)


class PermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        permissions = getattr(user_obj, "_consign_permissions", None)
        if permissions is None:
            if user_obj.is_superuser:
                permissions = {f"{app}.{code}" for app, code in
                               Permission.objects.values_list("content_type__app_label", "codename")}
            else:
                rows = list(permission_rows(user_obj))
                permissions = {f"{app}.{code}" for _group, app, code in rows if code}
                # the groups come with them: User.role_names need not ask again
                user_obj._role_names = frozenset(group for group, _app, _code in rows if group)
            user_obj._consign_permissions = permissions
        return permissions
