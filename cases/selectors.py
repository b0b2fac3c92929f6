"""Every read a cases view needs, already scoped to the user (404 for "not yours")."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import Attachment, Beneficiary, Case, CaseEvent, Visit
from psm.accounts.models import User
from psm.crypto import nik_hash


def _volunteer_kelurahan_id(user: User) -> int | None:
    volunteer = getattr(user, "volunteer", None)
    return volunteer.kelurahan_id if volunteer is not None else None


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Officers: every case. Volunteers: filed by them, assigned to them, or in their
    own kelurahan. Anyone else: nothing (deny by default)."""
    qs = Case.objects.all()
    if user.is_officer:
        return qs
    if not user.is_volunteer or not user.is_active:
        return qs.none()
    scope = Q(reported_by=user) | Q(assignee=user)
    kelurahan_id = _volunteer_kelurahan_id(user)
    if kelurahan_id is not None:
        scope |= Q(kelurahan_id=kelurahan_id)
    return qs.filter(scope)


def case_get_for_user(user: User, reference: str) -> Case:
    """The case with this reference if the user may see it, else 404."""
    return get_object_or_404(
        cases_visible_to(user).select_related(
            "beneficiary__kelurahan",
            "category",
            "kelurahan__kecamatan",
            "reported_by",
            "assignee",
            "duplicate_of",
        ),
        reference=reference,
    )


def case_get_for_user_by_client(
    user: User, *, reference: str | None = None, client_uuid: uuid.UUID | None = None
) -> Case:
    """The case a field record belongs to, by reference or by the UUID the phone gave it
    when filed offline; 404 when it does not exist, has not arrived, or is not the user's."""
    if reference:
        return case_get_for_user(user, reference)
    if client_uuid is None:
        raise Http404
    return get_object_or_404(cases_visible_to(user), client_uuid=client_uuid)


def case_detail_for_user(user: User, reference: str) -> Case:
    """The detail page's case with timeline, visits and attachments in a fixed number of
    queries however long the history grows."""
    case = case_get_for_user(user, reference)
    prefetch_related_objects(
        [case],
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("volunteer").prefetch_related("attachments"),
        ),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
    )
    return case


def attachment_get_for_user(user: User, reference: str, attachment_id: int) -> Attachment:
    case = case_get_for_user(user, reference)
    try:
        return case.attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def beneficiaries_visible_to(user: User) -> QuerySet[Beneficiary]:
    """The people whose record (NIK, birth date, phone, address) this user may read.

    Officers: the whole registry. Volunteers: people of their kelurahan, people they
    registered, and people of cases assigned to them or filed by someone else in their
    kelurahan. Not the people of cases a volunteer merely filed: picking someone elsewhere
    at intake (by their full NIK) and filing a case, even one placed in the volunteer's own
    kelurahan, must not open that person's record (issue 14.1)."""
    qs = Beneficiary.objects.filter(merged_into__isnull=True)
    if user.is_officer:
        return qs
    if not user.is_volunteer or not user.is_active:
        return qs.none()
    kelurahan_id = _volunteer_kelurahan_id(user)
    through = Q(assignee=user)
    scope = Q(created_by=user)
    if kelurahan_id is not None:
        through |= Q(kelurahan_id=kelurahan_id) & ~Q(reported_by=user)
        scope |= Q(kelurahan_id=kelurahan_id)
    scope |= Q(pk__in=Case.objects.filter(through).values("beneficiary_id"))
    return qs.filter(scope)


def beneficiary_may_see(user: User, beneficiary: Beneficiary) -> bool:
    return beneficiaries_visible_to(user).filter(pk=beneficiary.pk).exists()


def person_shown_to(user: User, case: Case) -> bool:
    """Whether a page of this case may show its person's details (NIK, sex, phone...).

    A volunteer may open a case (they filed it) for a person they may not see: every page of
    the case then shows the name only (the case page, its print view, any later one).
    """
    return user.is_officer or beneficiary_may_see(user, case.beneficiary)


def beneficiary_by_nik(nik: str) -> Beneficiary | None:
    """The unmerged person with exactly this NIK, anywhere (through the keyed hash)."""
    if len(nik) != 16 or not nik.isdigit():
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
    if query.isdigit():
        # The NIK is encrypted at rest: only a full NIK is found (through its keyed hash).
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
    return list(
        Beneficiary.objects.filter(merged_into__isnull=True, name__trigram_similar=beneficiary.name)
        .exclude(pk=beneficiary.pk)
        .filter(same)
        .annotate(similarity=TrigramSimilarity("name", beneficiary.name))
        .select_related("kelurahan")
        .order_by("-similarity", "pk")[:limit]
    )
