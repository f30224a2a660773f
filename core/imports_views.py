"""Generic import pages: upload → preview (counts, first rows with their errors) → confirm → result.

An app wires an importer with two URL patterns:

    from core.imports_views import import_urls
    urlpatterns += import_urls(ProductImporter, "products/import/", "product_import")

which gives `<app>:product_import` (the upload form) and `<app>:product_import_preview` (preview and
confirm). Both require the importer's `permission`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from .forms import BootstrapFormMixin
from .import_files import ImportRefused
from .importing import ImportBatch


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"))

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.fields["file"].widget.attrs["accept"] = ",".join(importer.extensions)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.batch = self.importer.parse(upload, actor=self.user)
        except ImportRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return upload


class ImporterMixin(PermissionRequiredMixin):
    importer_class = None
    url_name = ""  # "catalog:product_import"; the preview is url_name + "_preview"

    def get_importer(self):
        return self.importer_class()

    def get_context_data(self, **kwargs):
        importer = self.get_importer()
        return super().get_context_data(
            importer=importer, title=_("Import %(what)s") % {"what": importer.verbose_name},
            upload_url=reverse(self.url_name), **kwargs,
        )


class ImportUploadView(ImporterMixin, FormView):
    template_name = "core/import_upload.html"
    form_class = ImportUploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "importer": self.get_importer()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.user = self.request.user
        return form

    def form_valid(self, form):
        return redirect(reverse(f"{self.url_name}_preview", args=[form.batch.token]))


class ImportPreviewView(ImporterMixin, TemplateView):
    template_name = "core/import_preview.html"

    def get_batch(self):
        batch = ImportBatch.load(self.kwargs["token"], user=self.request.user, importer_key=self.importer_class.key)
        if batch is None:
            raise Http404(_("This import has expired or was already confirmed."))
        return batch

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.get_batch(), **kwargs)

    def post(self, request, *args, **kwargs):
        importer = self.get_importer()
        batch = self.get_batch()
        if "cancel" in request.POST:
            batch.discard()
            messages.info(request, _("The import was cancelled; nothing was imported."))
            return redirect(reverse(self.url_name))
        try:
            result = importer.confirm(batch, actor=request.user)
        except ImportRefused as refused:
            messages.error(request, refused.message)
            return redirect(request.path)
        messages.success(
            request, _("Imported “%(file)s”: %(summary)s.") % {"file": batch.filename, "summary": result.summary()}
        )
        try:
            return redirect(reverse(importer.success_url_name))
        except NoReverseMatch:
            return redirect(reverse(self.url_name))


def import_urls(importer_class, route, name, *, app_name=None):
    """Upload and preview URL patterns for an importer; `app_name` is the URL namespace."""
    namespace = app_name or importer_class.key.split(".")[0]
    url_name = f"{namespace}:{name}"
    attrs = {"importer_class": importer_class, "url_name": url_name,
             "permission_required": importer_class.permission}
    upload = type(f"{importer_class.__name__}Upload", (ImportUploadView,), attrs)
    preview = type(f"{importer_class.__name__}Preview", (ImportPreviewView,), attrs)
    return [
        path(route, upload.as_view(), name=name),
        path(f"{route}<str:token>/", preview.as_view(), name=f"{name}_preview"),
    ]
