"""The beneficiary registry: register a person once, merge duplicates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import Beneficiary, Case, CaseEvent
from cases.services.workflow import event_record
from psm.accounts.models import User
from psm.crypto import nik_hash
from psm.nik import validate_nik
from volunteers.models import Kelurahan

NIK_TAKEN = "nik_taken"


def nik_taken_error() -> ValidationError:
    return ValidationError(
        {"nik": _("A person with this NIK is already registered: search for them instead.")},
        code=NIK_TAKEN,
    )


@transaction.atomic
def beneficiary_create(
    *,
    name: str,
    kelurahan: Kelurahan,
    created_by: User | None,
    nik: str | None = None,
    kk_number: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    address: str = "",
    rt: str = "",
    rw: str = "",
    phone: str = "",
) -> Beneficiary:
    """Register a person. With an NIK, birth date and sex must agree with it (and are taken
    from it when left empty); without one, the person is flagged for Dukcapil referral."""
    nik = (nik or "").strip() or None
    if nik:
        try:
            info = validate_nik(nik, birth_date=birth_date, sex=sex or None)
        except ValidationError as exc:
            raise ValidationError({"nik": exc.messages}) from exc
        birth_date = birth_date or info.birth_date
        sex = sex or info.sex
        if Beneficiary.objects.filter(nik_hash=nik_hash(nik)).exists():
            raise nik_taken_error()
    beneficiary = Beneficiary(
        nik=nik,
        kk_number=kk_number.strip(),
        name=" ".join(name.split()),
        birth_date=birth_date,
        sex=sex,
        address=address.strip(),
        rt=rt.strip(),
        rw=rw.strip(),
        kelurahan=kelurahan,
        phone=phone,
        needs_dukcapil_referral=nik is None,
        created_by=created_by,
    )
    beneficiary.full_clean()
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError as exc:  # a concurrent registration of the same NIK
        raise nik_taken_error() from exc
    return beneficiary


_FILLABLE = ("nik", "kk_number", "birth_date", "sex", "address", "rt", "rw", "phone")


@transaction.atomic
def beneficiary_merge(*, survivor: Beneficiary, duplicate: Beneficiary, actor: User) -> Beneficiary:
    """Fold `duplicate` into `survivor`: its cases move over, blanks on the survivor are
    filled from it, and every case of both gets a merge event. The duplicate row stays,
    pointing at the survivor (merged_into), so the history keeps both names."""
    if not actor.is_officer:
        raise ValidationError(_("Only Dinsos officers merge records."), code="merge_forbidden")
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different people to merge."), code="merge_self")
    locked = {
        b.pk: b
        for b in Beneficiary.objects.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    surv, dup = locked[survivor.pk], locked[duplicate.pk]
    if surv.merged_into_id or dup.merged_into_id:
        raise ValidationError(
            _("One of these records was already merged into another."), code="merge_merged"
        )
    if surv.nik and dup.nik and surv.nik != dup.nik:
        raise ValidationError(
            _("The two records have different NIKs: they are different people."),
            code="merge_nik_conflict",
        )
    filled = []
    moved_nik = dup.nik if not surv.nik else None
    dup.nik = None  # free the unique NIK before the survivor takes it
    dup.merged_into = surv
    dup.save()
    for field in _FILLABLE:
        if field == "nik":
            if moved_nik:
                surv.nik = moved_nik
                filled.append(field)
            continue
        if not getattr(surv, field) and getattr(dup, field):
            setattr(surv, field, getattr(dup, field))
            filled.append(field)
    surv.needs_dukcapil_referral = not surv.nik
    surv.full_clean()
    surv.save()

    cases = list(
        Case.objects.select_for_update().filter(beneficiary__in=[surv, dup]).order_by("pk")
    )
    moved_ids = [c.pk for c in cases if c.beneficiary_id == dup.pk]
    Case.objects.filter(pk__in=moved_ids).update(beneficiary=surv)
    data = {
        "survivor_id": surv.pk,
        "survivor": surv.name,
        "duplicate_id": dup.pk,
        "duplicate": dup.name,
        "filled": filled,
    }
    note = _("%(duplicate)s (record %(dup_id)s) merged into %(survivor)s (record %(surv_id)s).") % {
        "duplicate": dup.name,
        "dup_id": dup.pk,
        "survivor": surv.name,
        "surv_id": surv.pk,
    }
    for case in cases:
        event_record(
            case=case,
            kind=CaseEvent.Kind.MERGE,
            actor=actor,
            note=note,
            data={**data, "moved": case.pk in moved_ids},
        )
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return surv
