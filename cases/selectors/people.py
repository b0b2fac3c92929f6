"""Finding people (beneficiaries): by NIK through its keyed hash, by name, likely duplicates."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q
from django.db.models.functions import Lower

from cases.models import Beneficiary
from cases.selectors.scoping import beneficiaries_visible_to
from psm.accounts.models import User
from psm.crypto import nik_hash
from psm.nik import normalise_nik, typed_nik


def beneficiary_by_nik(nik: str) -> Beneficiary | None:
    """The unmerged person with exactly this NIK, anywhere (through the keyed hash)."""
    nik = typed_nik(nik)
    if not nik:
        return None
    return (
        Beneficiary.objects.filter(merged_into__isnull=True, nik_hash=nik_hash(nik))
        .select_related("kelurahan")
        .first()
    )


def beneficiary_search(user: User, query: str, *, limit: int = 10) -> list[Beneficiary]:
    """Intake search: an exact NIK finds the person anywhere (so nobody is registered twice;
    the view rate-limits and logs these lookups); a name searches the people this user may
    see, most similar first."""
    query = " ".join((query or "").split())[:150]
    if len(query) < 3 or "\x00" in query:  # no name holds NUL (text columns refuse it)
        return []
    if normalise_nik(query).isdigit():
        # The NIK is encrypted at rest: only a full NIK is found (through its keyed hash);
        # typed with separators (6371-0101-...) it is still an NIK, never a name.
        found = beneficiary_by_nik(query)
        return [found] if found is not None else []
    base = Beneficiary.objects.filter(merged_into__isnull=True).select_related("kelurahan")
    visible = beneficiaries_visible_to(user).values("pk")
    return list(
        base.filter(pk__in=visible)
        .filter(Q(name__trigram_similar=query) | Q(name__icontains=query))
        .annotate(similarity=TrigramSimilarity("name", query))
        .order_by("-similarity", "name")[:limit]
    )


def beneficiary_likely_duplicates(
    user: User, *, name: str, birth_date: dt.date | None, limit: int = 5
) -> list[Beneficiary]:
    """People this user may see with a similar name and the same birth date: the intake asks
    "is this the same person?" before registering another record. Scoped, so the question
    never tells a volunteer that someone exists outside what they may see (staff find those
    on the case page's possible duplicates)."""
    name = " ".join((name or "").split())[:150]
    if not name or birth_date is None:
        return []
    return list(
        beneficiaries_visible_to(user)
        .filter(birth_date=birth_date)
        .filter(Q(name__trigram_similar=name) | Q(name__iexact=name))
        .annotate(similarity=TrigramSimilarity("name", name))
        .select_related("kelurahan")
        .order_by("-similarity", "pk")[:limit]
    )


def beneficiary_possible_duplicates(
    beneficiary: Beneficiary, *, limit: int = 10
) -> list[Beneficiary]:
    """Other unmerged people with a similar name (pg_trgm) and the same birth date or the
    same address in the same kelurahan. For staff; never blocks registration."""
    same = Q()
    if beneficiary.birth_date:
        same |= Q(birth_date=beneficiary.birth_date)
    if beneficiary.address:
        same |= Q(address__iexact=beneficiary.address, kelurahan_id=beneficiary.kelurahan_id)
    if not same:
        return []
    # The similar name is tested on LOWER(name), which no index holds, so each candidate of
    # `same` (a few dozen: a birth date, an address) is tested on its own. pg_trgm folds
    # case itself, so LOWER(name) % x is name % x. On `name` the planner ANDed a bitmap of
    # the name's trigram index with them: 51 ms on the case page at 1M people for a common
    # name (14,452 similar), where the candidates alone take 0.2 ms.
    return list(
        Beneficiary.objects.annotate(name_folded=Lower("name"))
        .filter(merged_into__isnull=True, name_folded__trigram_similar=beneficiary.name)
        .exclude(pk=beneficiary.pk)
        .filter(same)
        .annotate(similarity=TrigramSimilarity("name", beneficiary.name))
        .select_related("kelurahan")
        .order_by("-similarity", "pk")[:limit]
    )
