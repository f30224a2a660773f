"""Pages of background jobs (PDFs and large list exports): the status page (polled by htmx every second
while the job runs) and the download. Only the job's creator or a superuser may see either; anybody else
gets 404."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView

from . import export_jobs
from .access import Access, access
from .models import PdfJob, PdfJobState
from .pdf import document_label


def jobs_visible_to(user):
    jobs = PdfJob.objects.select_related("created_by")
    return jobs if user.is_superuser else jobs.filter(created_by=user)


class JobDetailView(DetailView):
    access = Access.INTERNAL
    context_object_name = "job"
    template_name = "core/job_detail.html"

    def get_queryset(self):
        return jobs_visible_to(self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return ["core/job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        job = self.object
        if export_jobs.is_export(job):
            return super().get_context_data(kind_label=job.parameters.get("title", ""), is_export=True,
                                            format_label=job.get_file_format_display(), **kwargs)
        return super().get_context_data(kind_label=document_label(job.kind), is_export=False, **kwargs)


@access(Access.INTERNAL)
@xframe_options_sameorigin
def job_download(request, pk):
    """The job's file: a download, or for a PDF with ?inline=1 shown in the job page's preview frame (same
    origin). An export downloads as CSV or XLSX under the list's name."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    if job.state != PdfJobState.DONE or not job.file:
        raise Http404("The file of this job is not ready")
    inline = bool(request.GET.get("inline")) and not export_jobs.is_export(job)
    return FileResponse(job.file.open("rb"), as_attachment=not inline,
                        filename=export_jobs.download_name(job), content_type=export_jobs.content_type(job))
