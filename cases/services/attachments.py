"""Attachments: photos and PDFs, checked by content, images re-encoded without metadata."""

from __future__ import annotations

import io
import secrets
import uuid
import warnings
from collections.abc import Sequence

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from cases.models import Attachment, Case, CaseEvent, Visit
from cases.services.outbox import client_uuid_stored
from cases.services.stored_files import file_save, files_removed_on_error
from cases.services.workflow import event_record
from psm.accounts.models import User

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp"}
PDF_TYPE = "application/pdf"
MAX_IMAGE_SIDE = 1600  # enough to read a document photo; small on a slow link
JPEG_QUALITY = 82
# Pillow's own bomb limit (about 89 megapixels, more than any phone camera): a header that
# declares more is refused before a single pixel is decoded.
MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485


def _refuse(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a photo or a PDF. Only images (JPEG, PNG, WebP) and PDF are accepted.")
        % {"name": name},
        code="attachment_type",
    )


def attachment_check(upload: UploadedFile) -> str:
    """Validate one upload by size and content; return its real content type."""
    name = upload.name or "file"
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than 10 MB.") % {"name": name}, code="attachment_size"
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="attachment_empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in IMAGE_TYPES and mime != PDF_TYPE:
        raise _refuse(name)
    if mime in IMAGE_TYPES:
        _check_image_size(upload, name)
    return mime


def _check_image_size(upload: UploadedFile, name: str) -> None:
    """Read only the header: a PNG may declare 100000 × 100000 pixels in a few bytes."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                pixels = img.size[0] * img.size[1]
    except Image.DecompressionBombError:  # Pillow's own refusal, at twice the limit
        pixels = MAX_IMAGE_PIXELS + 1
    except (OSError, ValueError) as exc:
        raise _unreadable(name) from exc
    finally:
        upload.seek(0)
    if pixels > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "“%(name)s” is too large as an image (more than %(mp)d megapixels). "
                "Send a smaller photo."
            )
            % {"name": name, "mp": MAX_IMAGE_PIXELS // 1_000_000},
            code="attachment_pixels",
        )


def _unreadable(name: str | None) -> ValidationError:
    return ValidationError(
        _("“%(name)s” could not be read as an image.") % {"name": name},
        code="attachment_broken",
    )


def _reencode_image(upload: UploadedFile) -> bytes:
    """Decode and re-encode as JPEG: pixels only (no EXIF/GPS, comment, XMP or ICC), downsized,
    rotation applied."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                img.load()
                clean: Image.Image = ImageOps.exif_transpose(img)
                if clean.mode not in ("RGB", "L"):
                    clean = clean.convert("RGB")
                clean.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
                # Pillow's JPEG writer takes the comment, ICC profile, XMP and DPI from
                # .info (a JPEG COM segment or a GIF comment carried a name and an NIK
                # through): only the pixels go out.
                clean.info = {}
                out = io.BytesIO()
                clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise _unreadable(upload.name) from exc
    return out.getvalue()


def _storage_name(case: Case, ext: str) -> str:
    # Non-guessable: the name never carries the reference or the uploader's file name.
    return f"cases/{case.created_at:%Y}/{secrets.token_urlsafe(24)}.{ext}"


@files_removed_on_error
@transaction.atomic
def attachment_add(
    *,
    case: Case,
    upload: UploadedFile,
    actor: User,
    visit: Visit | None = None,
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
) -> Attachment:
    """Check, re-encode and store one file. With a `client_uuid` (the outbox uploads each
    photo on its own) a resend returns the stored attachment and stores no second file."""
    if client_uuid is not None:
        twin = client_uuid_stored(Attachment, client_uuid=client_uuid, digest=content_hash)
        if twin is not None:
            return twin
    mime = attachment_check(upload)
    if mime == PDF_TYPE:
        upload.seek(0)
        content, ext = upload.read(), "pdf"
    else:
        content, ext, mime = _reencode_image(upload), "jpg", "image/jpeg"
    original = (upload.name or "file")[-255:]
    stored = file_save(_storage_name(case, ext), ContentFile(content))
    attachment = Attachment(
        case=case,
        visit=visit,
        file=stored,
        content_type=mime,
        size=len(content),
        original_name=original,
        uploaded_by=actor,
        client_uuid=client_uuid,
        content_hash=content_hash,
    )
    attachment.full_clean()
    attachment.save()
    event_record(
        case=case,
        kind=CaseEvent.Kind.ATTACHMENT,
        actor=actor,
        note=original,
        data={"attachment_id": attachment.pk, "visit_id": visit.pk if visit else None},
    )
    return attachment


@files_removed_on_error
@transaction.atomic
def attachments_add(
    *, case: Case, uploads: Sequence[UploadedFile], actor: User
) -> list[Attachment]:
    """Several files from one form: all are stored or none (a retry never duplicates the
    first ones; the files already written are removed again when a later one fails)."""
    return [attachment_add(case=case, upload=upload, actor=actor) for upload in uploads]
