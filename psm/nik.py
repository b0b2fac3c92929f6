"""NIK (Nomor Induk Kependudukan) structure: parse, validate, generate.

16 digits: 1-2 province, 3-4 regency/city, 5-6 kecamatan of first registration,
7-12 birth date DDMMYY (women add 40 to DD), 13-16 serial from 0001. The region digits
are where the person was first registered, not where they live now.

Shared by `cases` (beneficiaries) and `volunteers` (the roster), so it sits in `psm`.
`generate_nik` exists for factories and demo data: it makes structurally valid numbers
for invented people, never real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Kemendagri province codes, including the Papua provinces created in 2022.
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
        21,
        31,
        32,
        33,
        34,
        35,
        36,
        51,
        52,
        53,
        61,
        62,
        63,
        64,
        65,
        71,
        72,
        73,
        74,
        75,
        76,
        81,
        82,
        91,
        92,
        93,
        94,
        95,
        96,
    }
)
SEX_MALE = "M"
SEX_FEMALE = "F"


@dataclass(frozen=True)
class NikInfo:
    province: str
    regency: str
    kecamatan: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    serial: str


def _birth_date(day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """The most recent date with these DD/MM/YY that is not in the future."""
    for century in (2000, 1900):
        try:
            candidate = dt.date(century + yy, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def parse_nik(value: str, *, today: dt.date | None = None) -> NikInfo:
    """Parse an NIK or raise ValidationError saying exactly what is wrong."""
    today = today or timezone.localdate()
    nik = (value or "").strip()
    if not nik.isascii() or not nik.isdigit():
        raise ValidationError(_("NIK must contain digits only."), code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("NIK must be exactly 16 digits (this one has %(n)d).") % {"n": len(nik)},
            code="nik_length",
        )
    province, regency, kecamatan = nik[0:2], nik[2:4], nik[4:6]
    if int(province) not in PROVINCE_CODES:
        raise ValidationError(
            _("Digits 1-2 of the NIK (%(code)s) are not an Indonesian province code.")
            % {"code": province},
            code="nik_province",
        )
    if regency == "00" or kecamatan == "00":
        raise ValidationError(
            _("Digits 3-6 of the NIK must name a regency/city and a kecamatan (not 00)."),
            code="nik_region",
        )
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = SEX_MALE
    if day > 40:
        sex, day = SEX_FEMALE, day - 40
    birth = _birth_date(day, month, yy, today) if 1 <= day <= 31 and 1 <= month <= 12 else None
    if birth is None:
        raise ValidationError(
            _(
                "Digits 7-12 of the NIK (%(part)s) are not a valid birth date DDMMYY "
                "(women add 40 to the day)."
            )
            % {"part": nik[6:12]},
            code="nik_birth_date",
        )
    if nik[12:16] == "0000":
        raise ValidationError(_("The NIK serial (digits 13-16) cannot be 0000."), code="nik_serial")
    return NikInfo(province, regency, kecamatan, birth, sex, nik[12:16])


def validate_nik(
    value: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> NikInfo:
    """Validate structure and, when given, consistency with birth date and sex."""
    info = parse_nik(value, today=today)
    errors = []
    if sex in (SEX_MALE, SEX_FEMALE) and sex != info.sex:
        if sex == SEX_FEMALE:
            msg = _(
                "This NIK belongs to a man: for a woman the birth day in the NIK is "
                "increased by 40."
            )
        else:
            msg = _(
                "This NIK belongs to a woman (birth day increased by 40), but the sex "
                "entered is male."
            )
        errors.append(ValidationError(msg, code="nik_sex"))
    if birth_date is not None and (
        (birth_date.day, birth_date.month, birth_date.year % 100)
        != (info.birth_date.day, info.birth_date.month, info.birth_date.year % 100)
    ):
        errors.append(
            ValidationError(
                _(
                    "The birth date in the NIK (%(nik_date)s) does not match the birth date "
                    "entered (%(entered)s)."
                )
                % {
                    "nik_date": info.birth_date.strftime("%d-%m-%y"),
                    "entered": birth_date.strftime("%d-%m-%Y"),
                },
                code="nik_birth_mismatch",
            )
        )
    if errors:
        raise ValidationError(errors)
    return info


# How people copy an NIK from a KTP, a KK or a letter: 6371-0101-0190-0001, 6371 0101 0190 0001.
NIK_SEPARATORS = frozenset(" \t\r\n-.")


def normalise_nik(value: str | None) -> str:
    """The NIK without the separators people type; anything else is left for parse_nik."""
    return "".join(ch for ch in str(value or "") if ch not in NIK_SEPARATORS)


def typed_nik(value: object) -> str:
    """The full NIK in what someone typed into a search or form (6371-0101-... with the
    separators people type still makes one), or "" when it is not 16 ASCII digits: what
    every exact-NIK lookup (through the keyed hash) accepts."""
    nik = normalise_nik(None if value is None else str(value))
    return nik if len(nik) == 16 and nik.isascii() and nik.isdigit() else ""


class NikField(forms.CharField):
    """An NIK form field: separators are dropped before the length is checked, and the
    browser lets the separators be typed (its maxlength leaves room for them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_nik(super().to_python(value))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["maxlength"] = "24"  # 16 digits and the dashes or spaces between them
        return attrs


def nik_validator(value: str) -> None:
    """Field validator (structure only; forms check sex/birth date consistency)."""
    parse_nik(value)


def mask_nik(nik: str | None) -> str:
    """6371********0001: region and serial stay, birth date is hidden."""
    if not nik:
        return ""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"


def generate_nik(
    *,
    birth_date: dt.date,
    sex: str,
    region: str = "637101",
    serial: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """A structurally valid NIK for an invented person (factories and demo data only)."""
    # Not security relevant: invented people for tests and demos.
    rng = rng or random.Random()  # noqa: S311  # nosec B311
    day = birth_date.day + (40 if sex == SEX_FEMALE else 0)
    serial = serial if serial is not None else rng.randint(1, 9999)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
