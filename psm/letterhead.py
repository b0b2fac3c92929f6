"""The office's letterhead and the report signer, read from settings (REPORT_*)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Letterhead:
    authority: str  # Pemerintah Kota ...
    office: str  # Dinas Sosial
    address: str
    region: str  # Kota ...
    signing_place: str
    signer_title: str
    signer_name: str  # empty: a line to sign and write the name on
    signer_nip: str


def letterhead() -> Letterhead:
    return Letterhead(
        authority=settings.REPORT_LETTERHEAD_AUTHORITY,
        office=settings.REPORT_LETTERHEAD_OFFICE,
        address=settings.REPORT_LETTERHEAD_ADDRESS,
        region=settings.REPORT_REGION_NAME,
        signing_place=settings.REPORT_SIGNING_PLACE,
        signer_title=settings.REPORT_SIGNER_TITLE,
        signer_name=settings.REPORT_SIGNER_NAME,
        signer_nip=settings.REPORT_SIGNER_NIP,
    )
