from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _

from .roles import INTERNAL_ROLES, Role


class User(AbstractUser):
    """A person who logs in. Roles are Django groups (accounts/roles.py); one person may hold several."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    @property
    def role_names(self):
        # Cached per instance: navigation, access checks and the home page all ask.
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role):
        return role in self.role_names

    @property
    def is_internal(self):
        """Staff of the seller (any internal role) or an administrator."""
        return self.is_superuser or bool(self.role_names & INTERNAL_ROLES)

    @property
    def is_supplier_user(self):
        """An outside supplier login: sees only its own corner, nothing internal."""
        return not self.is_internal and Role.SUPPLIER in self.role_names
