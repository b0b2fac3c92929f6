"""Exact-NIK lookups, counted per user: the registry answers for a person anywhere in the city.

A lookup by exact NIK (so nobody is registered twice) is an oracle: a volunteer who guesses
NIKs could confirm one. So every such lookup, from the person search, the intake form and the
field outbox alike, is counted per user (NIK_LOOKUPS_*) and written to the access log, hits
and misses; over the limit nothing is looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django_ratelimit.core import is_ratelimited

from cases.models import Beneficiary
from cases.selectors.people import beneficiary_by_nik
from psm.accesslog.models import AccessEntry
from psm.accesslog.services import access_record_by
from psm.accounts.models import User
from psm.nik import typed_nik

# A volunteer checks a few people a day; an officer at the desk registers a few dozen.
NIK_LOOKUPS_VOLUNTEER = "30/h"
NIK_LOOKUPS_OFFICER = "300/h"
# The counter's name in the cache (one counter for the search, the intake and the outbox).
NIK_LOOKUP_GROUP = "psm.nik_lookup"


def nik_lookup_rate(user: User) -> str:
    return NIK_LOOKUPS_OFFICER if user.is_officer else NIK_LOOKUPS_VOLUNTEER


def nik_lookup_limited(user: User) -> bool:
    """Count one registry lookup by `user`; True when over the limit."""
    return is_ratelimited(
        None,  # counted by user, not by anything in a request (django-ratelimit's key "user")
        group=NIK_LOOKUP_GROUP,
        key=lambda _group, _request: str(user.pk),
        rate=nik_lookup_rate(user),
        method=is_ratelimited.ALL,
        increment=True,
    )


def nik_lookup(*, user: User, nik: str, path: str) -> tuple[bool, Beneficiary | None]:
    """One exact-NIK lookup by `user` on the page at `path`: (allowed, the person found).
    Over the limit nothing is looked up; every allowed lookup leaves an access-log row."""
    if nik_lookup_limited(user):
        return False, None
    found = beneficiary_by_nik(nik)
    access_record_by(
        user_id=user.pk,
        path=path,
        kind=AccessEntry.Kind.NIK_LOOKUP,
        object_id=found.pk if found else None,
        beneficiary_id=found.pk if found else None,
    )
    return True, found


def intake_lookups_allowed(*, user: User, data: Mapping[str, Any], path: str) -> bool:
    """Count what a submitted intake form (`data`, its POST) looks up in the whole registry,
    as the search does: each full NIK typed (the new person's, or the search box's a person
    was picked with) and a new person's name with birth date (the "same person?" check, which
    would otherwise confirm birth-date guesses). False when over the limit (nothing is looked
    up then)."""
    niks = {typed_nik(data.get(field)) for field in ("q", "nik")} - {""}
    for nik in sorted(niks):
        if not nik_lookup(user=user, nik=nik, path=path)[0]:
            return False
    new_person = not data.get("beneficiary") and not data.get("not_duplicate")
    if new_person and not niks and data.get("birth_date"):
        return not nik_lookup_limited(user)
    return True
