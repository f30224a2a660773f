from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from accounts.language_views import set_language
from config.api import api
from core.access import Access
from core.api_contract import api_fallback
from core.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_fallback, name="api_fallback"),  # the other trailing slash of an API path, else the JSON 404
    # Django's language switcher, which also saves a logged-in user's choice (accounts.User.language).
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("accounts.urls")),
    path("", include("reports.urls")),  # home/: every role's work queues (a top floor)
    path("catalog/", include("catalog.urls")),
    path("", include("core.urls")),  # core:job_detail at jobs/<pk>/ …
    path("orders/", include("orders.urls")),
    path("shipments/", include("shipments.urls")),
    path("stock/", include("inventory.urls")),
    path("supplier-accounts/", include("reconciliation.urls")),
    path("inbox/", include("notifications.urls")),
    path("after-sales/", include("aftersales.urls")),
    path("portal/", include("portal.urls")),  # the supplier portal (a top floor)
]

if settings.DEBUG:
    serve.access = Access.INTERNAL  # uploaded files in development only; production serves them itself
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
