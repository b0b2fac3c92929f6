"""Small previews of photo attachments, made on first request and kept on storage.

A thumbnail lives next to nothing public: its name is derived from the attachment's own
random storage name (`thumbs/<name>`), it is served only by the same permission-checked
view as the photo, and the retention purge deletes it with the photo. Made lazily, so
photos stored before thumbnails existed get one too, and an upload does no extra work.
"""

from __future__ import annotations

import io
import logging
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from cases.models import Attachment

logger = logging.getLogger(__name__)
THUMB_SIDE = 240  # shown at 120 css px: sharp on a 2x phone screen, ~10 KB
THUMB_QUALITY = 75
PREFIX = "thumbs/"


def thumbnail_name(attachment: Attachment) -> str:
    return PREFIX + attachment.file.name


def attachment_thumbnail(*, attachment: Attachment) -> str:
    """The storage name of the attachment's thumbnail, made now if it does not exist yet.

    Raises FileNotFoundError when the photo itself is gone, ValueError when it is no image.
    """
    if not attachment.is_image:
        raise ValueError("not an image")
    name = thumbnail_name(attachment)
    if default_storage.exists(name):
        return name
    with default_storage.open(attachment.file.name, "rb") as handle:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(handle) as img:
                    img.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: decode at a fraction
                    small = img.convert("RGB") if img.mode not in ("RGB", "L") else img.copy()
        except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValueError("unreadable image") from exc
    small.thumbnail((THUMB_SIDE, THUMB_SIDE))
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMB_QUALITY, optimize=True)
    saved = default_storage.save(name, ContentFile(out.getvalue()))
    if saved != name:  # two first requests at once: the other one's file is as good
        default_storage.delete(saved)
    return name


def thumbnail_delete(*, attachment: Attachment) -> None:
    """Remove the thumbnail (the retention purge); a missing one is no error."""
    try:
        default_storage.delete(thumbnail_name(attachment))
    except OSError:  # pragma: no cover - storage down; the next purge run tries again
        logger.warning("could not remove thumbnail of attachment %s", attachment.pk)
