"""Notifications that react to lower layers' signals (they never import this app)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.export_jobs import is_export
from core.models import PdfJobState
from core.pdf import document_label, pdf_job_finished

from .messages import Message, translatable
from .services import notify

EXPORT_READY = Message("jobs.export_ready", _("Your export is ready: %(kind)s #%(pk)s"), "%(error)s")
EXPORT_FAILED = Message("jobs.export_failed", _("Your export could not be written: %(kind)s #%(pk)s"), "%(error)s")
PDF_READY = Message("jobs.pdf_ready", _("Your PDF is ready: %(kind)s #%(pk)s"), "%(error)s")
PDF_FAILED = Message("jobs.pdf_failed", _("Your PDF could not be rendered: %(kind)s #%(pk)s"), "%(error)s")


@receiver(pdf_job_finished, dispatch_uid="notifications.pdf_job_finished")
def tell_requester_pdf_finished(sender, job, **kwargs):
    """The requester hears that the PDF or export is ready (or failed), with a link to the job page. The
    document's label is stored as its msgid, so it reads in the requester's language too."""
    done = job.state == PdfJobState.DONE
    if is_export(job):
        message, kind = (EXPORT_READY if done else EXPORT_FAILED), job.parameters.get("title") or job.kind
    else:
        message, kind = (PDF_READY if done else PDF_FAILED), translatable(document_label(job.kind, lazy=True))
    notify(
        recipients=[job.created_by_id],
        message=message,
        params={"kind": kind, "pk": job.pk, "error": job.error},
        link=reverse("core:job_detail", args=[job.pk]),
        event=f"pdf_job_{job.state}",
    )
