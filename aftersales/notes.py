"""Notes on after-sales tickets: the thread of what was said or done, and the files attached to a note
(which types, how big, and whether the content matches the extension).

`add_note` takes keyword-only arguments and the acting user and writes in one `transaction.atomic()`."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.services import notify

from . import messages
from .models import NoteChannel, TicketAttachment, TicketNote

# Attachments: what may be kept with a note (images, PDF, office documents, plain text), and how big.
ALLOWED_EXTENSIONS = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".heic": "image/heic", ".pdf": "application/pdf", ".txt": "text/plain",
    ".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
}
MAX_ATTACHMENT_BYTES = getattr(settings, "AFTERSALES_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
MAX_ATTACHMENTS_PER_NOTE = 10


def validate_attachment(upload):
    """Raise ValidationError with a clear message when the upload is not a permitted file."""
    name = Path(getattr(upload, "name", "") or "").name
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted. Attach images, PDF, office documents or text files "
              "(%(types)s).") % {"name": name or "?", "types": ", ".join(sorted(ALLOWED_EXTENSIONS))})
    size = getattr(upload, "size", None) or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("%(name)s is %(size).1f MB; files may be at most %(max)d MB.") % {
            "name": name, "size": size / 1024 / 1024, "max": MAX_ATTACHMENT_BYTES // (1024 * 1024)})
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if not _content_matches(upload, extension):
        raise ValidationError(_("%(name)s does not look like a %(ext)s file; it is not accepted.")
                              % {"name": name, "ext": extension})
    return name, extension


# What the first bytes of each accepted type look like (a renamed program is refused).
_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"), ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",),
}


def _content_matches(upload, extension):
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension in _SIGNATURES:
        return head.startswith(_SIGNATURES[extension])
    if extension == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension == ".heic":
        return head[4:8] == b"ftyp"
    # .txt / .csv: text, not a binary in disguise
    return b"\x00" not in head


def add_note(ticket, *, text, channel, actor, files=(), visible_to_supplier=False):
    """Append a note (and its attachments) to the ticket's thread. Every file is checked before anything
    is written: one refused file refuses the note and writes nothing. `visible_to_supplier`: the ticket's
    supplier reads it in its portal (always so for a note its own user writes)."""
    if actor is None or not actor.has_perm("aftersales.add_ticketnote"):
        raise PermissionDenied(_("You may not add notes to after-sales tickets."))
    text = str(text or "").strip()
    errors = {}
    if not text:
        errors["text"] = [_("Write what was said or done.")]
    if channel not in NoteChannel.values:
        errors["channel"] = [_("Pick the channel.")]
    files = list(files or ())
    if len(files) > MAX_ATTACHMENTS_PER_NOTE:
        errors["files"] = [_("At most %(n)d files per note.") % {"n": MAX_ATTACHMENTS_PER_NOTE}]
    checked = []
    for upload in files:
        try:
            checked.append((upload, *validate_attachment(upload)))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    stored = []
    try:
        with transaction.atomic():
            note = TicketNote.objects.create(ticket=ticket, text=text, channel=channel, author=actor,
                                             visible_to_supplier=bool(visible_to_supplier or actor.is_supplier_user))
            for upload, name, extension in checked:
                attachment = TicketAttachment(note=note, original_name=name[:255], size=upload.size,
                                              content_type=ALLOWED_EXTENSIONS[extension])
                attachment.file.save(name, upload, save=False)
                stored.append(attachment.file)
                attachment.save()
            _notify_other_side(note)
    except BaseException:
        for file in stored:  # the rows were rolled back: leave no orphan files behind
            file.storage.delete(file.name)
        raise
    return note


# How much of the note's text the notification carries (the rest is on the ticket).
NOTE_EXCERPT = 300


def _notify_other_side(note):
    """Tell the other side of the ticket about a new note, in the note's transaction: a supplier user's
    reply → the ticket's handler (and its registrant); a staff note meant for the supplier → the supplier's
    portal users. An internal-only note tells nobody."""
    ticket, author = note.ticket, note.author
    excerpt = note.text if len(note.text) <= NOTE_EXCERPT else note.text[:NOTE_EXCERPT - 1] + "…"
    params = {"no": str(ticket), "text": excerpt}
    if author.is_supplier_user:
        recipients = {ticket.handler_id, ticket.registered_by_id} - {author.pk}
        notify(recipients=sorted(recipients), message=messages.NOTE_FROM_SUPPLIER,
               params={**params, "supplier": str(ticket.supplier) if ticket.supplier_id else ""},
               link=ticket.get_absolute_url(), event="ticket_note_from_supplier")
    elif note.visible_to_supplier and ticket.supplier_id:
        # By URL name: aftersales sits below the portal and imports nothing of it.
        notify(recipients=list(ticket.supplier.portal_users.exclude(pk=author.pk).values_list("pk", flat=True)),
               message=messages.NOTE_FOR_SUPPLIER, params=params,
               link=reverse("portal:ticket_detail", args=[ticket.pk]), event="ticket_note_for_supplier")


def attachment_response(attachment):
    """An attachment's bytes, once the caller has checked access: images and PDF inline, the rest as a
    download; a file gone from storage is a 404."""
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
