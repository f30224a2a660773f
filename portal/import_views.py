"""Dispatch by file in the portal: upload → preview (counts, row errors) → confirm, all or nothing. The
generic views of core.imports_views check the seller's permissions; these are the same steps as portal pages
(the importer bound to the user's supplier), drawn by the same core templates in the portal's frame."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.import_files import ImportRefused
from core.importing import ImportBatch
from core.imports_views import ImportUploadForm

from .importing import DropShipDispatchImporter
from .views import PortalView


class _ImportPage(PortalView):
    def get_context_data(self, **kwargs):
        importer = DropShipDispatchImporter(self.supplier)
        return super().get_context_data(
            importer=importer, base_template="portal/base.html", upload_url=reverse("portal:dispatch_import"),
            title=_("Dispatch drop-ships by file"), **kwargs)


class DispatchImportView(_ImportPage):
    template_name = "core/import_upload.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.upload_form())
        return super().get_context_data(**kwargs)

    def upload_form(self, data=None, files=None):
        form = ImportUploadForm(data, files, importer=DropShipDispatchImporter(self.supplier))
        form.user = self.request.user
        return form

    def post(self, request, *args, **kwargs):
        form = self.upload_form(request.POST, request.FILES)
        if form.is_valid():
            return redirect("portal:dispatch_import_preview", token=form.batch.token)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DispatchImportPreviewView(_ImportPage):
    template_name = "core/import_preview.html"

    def get_batch(self):
        batch = ImportBatch.load(self.kwargs["token"], user=self.request.user,
                                 importer_key=DropShipDispatchImporter.key)
        if batch is None:
            raise Http404(_("This import has expired or was already confirmed."))
        return batch

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.get_batch(), **kwargs)

    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        if "cancel" in request.POST:
            batch.discard()
            messages.info(request, _("The import was cancelled; nothing was imported."))
            return redirect("portal:dispatch_import")
        try:
            result = DropShipDispatchImporter(self.supplier).confirm(batch, actor=request.user)
        except ImportRefused as refused:
            messages.error(request, refused.message)
            return redirect(request.path)
        messages.success(request, _("%(n)s drop-ships dispatched from “%(file)s”.") % {
            "n": result.updated, "file": batch.filename})
        return redirect("portal:dropship_list")
