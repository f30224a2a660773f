from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from config.api import api
from core.access import Access
from core.api_contract import api_fallback
from core.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_fallback, name="api_fallback"),  # the other trailing slash of an API path, else the JSON 404
    path("i18n/", include("django.conf.urls.i18n")),
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
]

if settings.DEBUG:
    serve.access = Access.INTERNAL  # uploaded files in development only; production serves them itself
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
