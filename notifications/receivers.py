"""Notifications that react to lower layers' signals (they never import this app)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from core.export_jobs import is_export
from core.models import PdfJobState
from core.pdf import document_label, pdf_job_finished

from .services import notify


@receiver(pdf_job_finished, dispatch_uid="notifications.pdf_job_finished")
def tell_requester_pdf_finished(sender, job, **kwargs):
    """The requester hears that the PDF or export is ready (or failed), with a link to the job page."""
    if is_export(job):
        label = job.parameters.get("title") or job.kind
        if job.state == PdfJobState.DONE:
            subject = _("Your export is ready: %(kind)s #%(pk)s") % {"kind": label, "pk": job.pk}
        else:
            subject = _("Your export could not be written: %(kind)s #%(pk)s") % {"kind": label, "pk": job.pk}
    elif job.state == PdfJobState.DONE:
        subject = _("Your PDF is ready: %(kind)s #%(pk)s") % {"kind": document_label(job.kind), "pk": job.pk}
    else:
        subject = _("Your PDF could not be rendered: %(kind)s #%(pk)s") % {
            "kind": document_label(job.kind), "pk": job.pk}
    notify(
        recipients=[job.created_by_id],
        subject=subject,
        body=job.error,
        link=reverse("core:job_detail", args=[job.pk]),
        event=f"pdf_job_{job.state}",
    )
