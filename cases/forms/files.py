"""Several files in one field: the multiple-file input and its checks (size, type, count)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cases.services.attachments import MAX_FILES, attachment_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_FILES photos/PDFs, each checked by content (Django docs' multi-file pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("At most %(n)d files per submission.") % {"n": MAX_FILES}, code="too_many"
            )
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                attachment_check(upload)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned
