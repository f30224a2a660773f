from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .roles import INTERNAL_ROLES, Role


class Language(models.TextChoices):
    """The languages a person may read Consign in (settings.LANGUAGES)."""

    ENGLISH = "en", _("English")
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")


class User(AbstractUser):
    """A person who logs in. Roles are Django groups (accounts/roles.py); one person may hold several."""

    # Their pages, their notifications (inbox and e-mail) and the PDFs they ask for are in this language
    # (accounts.middleware activates it; the language switcher saves it). Blank until they pick one: pages
    # then follow the browser (or the switcher's cookie), mail and PDFs the site's language.
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True, default="")

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
    def reading_language(self):
        """The language they read this page in: their own choice, else the one active for the request."""
        return self.language or translation.get_language()

    @property
    def is_internal(self):
        """Staff of the seller (any internal role) or an administrator."""
        return self.is_superuser or bool(self.role_names & INTERNAL_ROLES)

    @property
    def is_supplier_user(self):
        """An outside supplier login: sees only its own corner, nothing internal."""
        return not self.is_internal and Role.SUPPLIER in self.role_names


class ApiToken(models.Model):
    """A bearer token for the HTTP API (/api/v1/). Only the SHA-256 of the key is stored: the plain key
    is shown once, when the token is created (accounts/tokens.py). The token acts as its user, with
    exactly that user's permissions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “Shopify webhook”."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False,
                              help_text=_("The first characters of the key, to recognise it."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
