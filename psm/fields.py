"""Model fields that keep NIK and phone numbers encrypted at rest (psm.crypto).

The column holds a Fernet token (text); Python code sees the plain value. An empty value is
stored as it is (the absence of a phone number is no secret). Ciphertext is randomised, so
only emptiness can be looked up (`isnull`, `=None`, `=""`): exact NIK lookups go through a
`KeyedHashField`, and any other lookup raises a FieldError instead of silently matching
nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact
from django.forms import TextInput
from phonenumber_field import formfields
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from psm import crypto


class EmptyOnlyExact(Exact):
    """`field=None` / `field=""` work (None becomes IS NULL); a value cannot be matched."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is not None and rhs != "":
            raise FieldError(
                f"{lhs.output_field.name} is encrypted at rest: look it up through its hash."
            )
        super().__init__(lhs, rhs)


ALLOWED_LOOKUPS = {"isnull": None, "exact": EmptyOnlyExact}


class EncryptedMixin:
    def db_type(self, connection: Any) -> str:
        return "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)  # type: ignore[misc]
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self.to_python(value)  # type: ignore[attr-defined]
        return self.to_python(crypto.decrypt(value))  # type: ignore[attr-defined]

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ALLOWED_LOOKUPS:
            return None  # Django raises "Unsupported lookup"
        return ALLOWED_LOOKUPS[lookup_name] or super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[misc]
    """A CharField (max_length validates the plain value) stored as a Fernet token."""


class InternationalPhoneWidget(RegionalPhoneNumberWidget):
    """Shows a number as +62 812-3456-7890, typed or stored. The library's regional widget
    shows a local number nationally (0812-...), so a form sent back after an error showed
    "+62 812..." without the +62 people had typed; a number it cannot read stays as typed."""

    def format_value(self, value: Any) -> Any:
        number = value
        if not isinstance(number, PhoneNumber):
            try:
                number = to_python(value, region=self.region)
            except TypeError:
                number = None
        if isinstance(number, PhoneNumber) and number.is_valid():
            return number.as_international
        return TextInput.format_value(self, value)


class InternationalPhoneNumberField(formfields.PhoneNumberField):  # type: ignore[misc]
    """The phone form field of every psm form: django-phonenumber-field's, shown as above."""

    widget = InternationalPhoneWidget


class EncryptedPhoneNumberField(EncryptedMixin, PhoneNumberField):  # type: ignore[misc]
    """django-phonenumber-field's field (E.164 normalisation), stored as a Fernet token."""

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", InternationalPhoneNumberField)
        return super().formfield(**kwargs)


class KeyedHashField(models.CharField):
    """HMAC-SHA256 of another field of the same model (`source`), set on every save.

    Exact lookups must pass the hash: `Model.objects.filter(nik_hash=crypto.nik_hash(nik))`.
    A `save(update_fields=[...])` that names the source must name this field too, and a
    `QuerySet.update()` of the source must set it (no code does either today).
    """

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("null", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        if not hasattr(model_instance, self.source):
            # A copy without its source (a history row written by pghistory.create_event or
            # a migration): the hash was copied with the row and stays as it is.
            return getattr(model_instance, self.attname)
        value = crypto.nik_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
