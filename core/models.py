"""Core models: the transition log (every FSM transition of every document), PDF jobs and API idempotency keys."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from .append_only import AppendOnlyModel


class TransitionLog(AppendOnlyModel):
    """One row per transition: who moved which document from which state to which, when and why.

    Written by `core.transitions.perform`/`perform_many` (one bulk insert per run); append-only (the model and
    its queryset refuse updates and deletes; on PostgreSQL a trigger refuses them as well)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("document type"))
    object_id = models.CharField(_("document id"), max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=100)
    source = models.CharField(_("from"), max_length=100)
    target = models.CharField(_("to"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="core_translog_object_idx"),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}: {self.source} → {self.target} ({self.transition})"


class PdfJobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobFormat(models.TextChoices):
    """What a job's file is: a rendered PDF, or a list export (core/export_jobs.py)."""

    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


# The kind of a list export's job (core/export_jobs.py): a CSV or XLSX file, where every other kind is a PDF.
EXPORT_KIND = "export"


def pdf_job_upload_to(job, filename):
    return f"pdf-jobs/{job.created_at:%Y/%m}/{filename}"


class PdfJob(models.Model):
    """A file made in the background, with its progress: a PDF (a batch of dispatch notes, …) or a large
    list export (kind "export", CSV or XLSX: core/export_jobs.py).

    `kind` names a document builder registered with `core.pdf.register_document`; `parameters` is what
    the builder needs (ids, filters), JSON only. Only its creator (or a superuser) may see the file."""

    kind = models.CharField(_("kind"), max_length=50)
    # "pdf" for rendered documents; "csv"/"xlsx" for list exports (kind "export", core/export_jobs.py):
    # one job mechanism (one claim, one sweep, one job page) for every file made in the background.
    file_format = models.CharField(_("format"), max_length=10, choices=JobFormat.choices, default=JobFormat.PDF)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    state = FSMField(_("state"), choices=PdfJobState.choices, default=PdfJobState.QUEUED, protected=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_count = models.PositiveIntegerField(_("documents"), default=0)
    done_count = models.PositiveIntegerField(_("documents done"), default=0)
    file = models.FileField(_("file"), upload_to=pdf_job_upload_to, blank=True, max_length=255)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pdf_jobs",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Queueing (core/queueing.py): the row is written first, its task published once the request's
    # transaction commits (`published_at` then set). A task claims the row with a conditional UPDATE
    # (`claimed_at`), so a job runs at most once however often its message is delivered; the periodic
    # sweep publishes again jobs never published (broker down) or whose message was lost.
    published_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("PDF job")
        verbose_name_plural = _("PDF jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], name="core_pdfjob_unfinished_idx",
                         condition=models.Q(state__in=["queued", "running"])),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="core_pdfjob_progress_lte_100"),
            models.CheckConstraint(
                condition=models.Q(done_count__lte=models.F("total_count")),
                name="core_pdfjob_done_lte_total",
            ),
            # A list export is a CSV or an XLSX file; every other job is a PDF (its format follows its kind).
            models.CheckConstraint(
                condition=(models.Q(kind=EXPORT_KIND) & ~models.Q(file_format=JobFormat.PDF))
                | (~models.Q(kind=EXPORT_KIND) & models.Q(file_format=JobFormat.PDF)),
                name="core_pdfjob_format_follows_kind",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_finished(self):
        return self.state in (PdfJobState.DONE, PdfJobState.FAILED)

    # Transitions follow the project convention (core/transitions.py): keyword args `by` and `comment`.
    # `start` runs only after the task has claimed the row (core.pdf.run_pdf_job): from queued, or from
    # running when the claim of a run that died (older than the task's hard time limit) is taken over.
    # A finished job never runs again.
    @transition(field=state, source=[PdfJobState.QUEUED, PdfJobState.RUNNING], target=PdfJobState.RUNNING)
    def start(self, *, by=None, comment="", total=0):
        self.total_count = total
        self.done_count = 0
        self.progress = 0
        self.error = ""
        self.finished_at = None

    @transition(field=state, source=PdfJobState.RUNNING, target=PdfJobState.DONE)
    def finish(self, *, by=None, comment="", finished_at=None):
        self.done_count = self.total_count
        self.progress = 100
        self.finished_at = finished_at

    @transition(field=state, source=[PdfJobState.QUEUED, PdfJobState.RUNNING], target=PdfJobState.FAILED)
    def fail(self, *, by=None, comment="", error="", finished_at=None):
        self.error = error
        self.finished_at = finished_at


class IdempotencyKey(models.Model):
    """A creating API call's `Idempotency-Key` (core/idempotency.py): the first response to (user, key),
    kept so a retry gets it again instead of doing the work twice.

    Written in the same transaction as the call's effect, so two concurrent calls with one key meet the
    unique constraint: the second waits for the first to commit and then answers its stored response.
    Rows older than IDEMPOTENCY_KEY_HOURS are deleted by a periodic task (core.tasks)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=255)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_content_type = models.CharField(_("response content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotencykey_user_key_uniq"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key}"
