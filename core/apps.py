from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Connects the post_transition receiver that writes the transition log.
        from . import transitions  # noqa: F401
