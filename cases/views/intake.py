"""Filing a case (intake) and the person search, with the limits on NIK lookups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from cases import selectors, services
from cases.forms import (
    IntakeForm,
)
from cases.models import Beneficiary
from cases.views.common import user_of
from psm.accesslog.models import AccessEntry
from psm.accesslog.services import access_record
from psm.accounts.models import User
from psm.forms import add_service_errors
from psm.ratelimit import limit
from psm.search import search_view


def _intake_user(request: HttpRequest) -> User:
    user = user_of(request)
    if user.role not in (User.Role.VOLUNTEER, User.Role.STAFF):
        raise PermissionDenied
    return user


def _intake_too_fast(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the intake limit: the form again as typed (not validated, nothing saved)."""
    messages.error(
        request,
        _(
            "Too many cases sent in a short time: the case was NOT filed yet. Wait a minute, "
            "check the form below (choose the photos again) and send it once more."
        ),
    )
    return _intake_as_typed(request, retry_after=retry_after)


def _intake_as_typed(request: HttpRequest, **extra: Any) -> HttpResponse:
    """The form again with what was typed, not validated: validating would look the typed
    NIK (and a picked person) up, which is what the limit refused."""
    typed = {key: request.POST.get(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    form = IntakeForm(initial=typed, user=_intake_user(request))
    context = {"form": form, "chosen": None, "duplicates": [], **extra}
    context["files_lost"] = len(request.FILES.getlist("uploads"))
    return render(request, "cases/intake.html", context, status=429)


def intake_lookups_allowed(request: HttpRequest) -> bool:
    """Count what the submitted form looks up in the whole registry, as the search does:
    each full NIK typed (the new person's, or the search box's a person was picked with) and
    a new person's name with birth date (the "same person?" check, which would otherwise
    confirm birth-date guesses). False when over the limit (nothing is looked up then)."""
    niks = {_typed_nik(request.POST.get(field)) for field in ("q", "nik")} - {""}
    for nik in sorted(niks):
        if not nik_lookup(request, nik)[0]:
            return False
    new_person = not request.POST.get("beneficiary") and not request.POST.get("not_duplicate")
    if new_person and not niks and request.POST.get("birth_date"):
        return not _lookup_limited(request)
    return True


def _intake_too_many_lookups(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        _(
            "Too many NIK searches in a short time: the case was NOT filed yet. Try again "
            "in an hour, or send it without the NIK and Dinsos staff will add it."
        ),
    )
    return _intake_as_typed(request)


# One volunteer files a few cases an hour; 20 a minute is a script or a stuck button.
@limit("intake", "20/m", on_limit=_intake_too_fast)
def case_new(request: HttpRequest) -> HttpResponse:
    user = _intake_user(request)
    if request.method == "POST":
        if not intake_lookups_allowed(request):
            return _intake_too_many_lookups(request)
        form = IntakeForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            chosen = form.cleaned_data.get("beneficiary")
            try:
                case, created = services.case_intake(
                    reported_by=user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    beneficiary=chosen,
                    new_beneficiary=None if chosen else form.new_beneficiary(),
                    case_fields=form.case_fields(),
                    files=form.cleaned_data["uploads"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if case.reported_by_id != user.pk:  # a stolen key never reveals a case
                    raise Http404
                if created:
                    messages.success(
                        request, _("Case %(ref)s filed. Thank you.") % {"ref": case.reference}
                    )
                else:
                    messages.info(
                        request,
                        _("This form was already sent: case %(ref)s.") % {"ref": case.reference},
                    )
                return redirect(case)
        messages.error(request, _("The case was not filed yet: please check the marked fields."))
    else:
        form = IntakeForm(user=user)
    return render(request, "cases/intake.html", _intake_context(request, form))


def _intake_context(request: HttpRequest, form: IntakeForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "chosen": form.chosen_beneficiary(),
        "duplicates": form.duplicates,
        # A browser never sends files back with a redisplayed form: say so next to the field
        # (intake.js re-attaches them where it can).
        "files_lost": len(request.FILES.getlist("uploads")),
        **extra,
    }


# Exact-NIK lookups answer for a person anywhere in the city (so nobody is registered twice),
# so they are an oracle: a volunteer who guesses NIKs could confirm one. Counted per user
# (search and intake alike) and written to the access log, hits and misses.
NIK_LOOKUPS_VOLUNTEER = "30/h"
NIK_LOOKUPS_OFFICER = "300/h"


def _nik_lookup_rate(group: str, request: HttpRequest) -> str:
    return NIK_LOOKUPS_OFFICER if user_of(request).is_officer else NIK_LOOKUPS_VOLUNTEER


def _lookup_limited(request: HttpRequest) -> bool:
    """Count one registry lookup by request.user; True when over the limit."""
    return is_ratelimited(
        request,
        group="psm.nik_lookup",
        key="user",
        rate=_nik_lookup_rate,
        method=is_ratelimited.ALL,
        increment=True,
    )


def nik_lookup(request: HttpRequest, nik: str) -> tuple[bool, Beneficiary | None]:
    """One exact-NIK lookup by request.user: (allowed, the person found). Over the limit
    nothing is looked up; every allowed lookup leaves an access-log row."""
    if _lookup_limited(request):
        return False, None
    found = selectors.beneficiary_by_nik(nik)
    access_record(
        request=request,
        kind=AccessEntry.Kind.NIK_LOOKUP,
        object_id=found.pk if found else None,
        beneficiary_id=found.pk if found else None,
    )
    return True, found


def _typed_nik(value: object) -> str:
    # Separators as people type them (6371-0101-...) still make a full NIK lookup.
    nik = "".join(str(value or "").split()).replace("-", "").replace(".", "")
    return nik if len(nik) == 16 and nik.isascii() and nik.isdigit() else ""


@search_view  # a typed NIK arrives by POST and is sealed (psm.search)
@require_GET
def beneficiary_search(request: HttpRequest) -> HttpResponse:
    """htmx: people matching the typed NIK or name, as radio buttons inside the intake form."""
    user = user_of(request)
    if user.role not in (User.Role.VOLUNTEER, User.Role.STAFF):
        raise PermissionDenied
    query = request.GET.get("q", "")
    context: dict[str, Any] = {"query": query, "show_nik": user.is_officer}
    nik = _typed_nik(query)
    if nik:
        allowed, found = nik_lookup(request, nik)
        context["results"] = [found] if found else []
        if not allowed:
            context["too_many_lookups"] = True
            return render(request, "cases/intake.html#beneficiary-results", context, status=429)
    else:
        context["results"] = selectors.beneficiary_search(user, query)
    return render(request, "cases/intake.html#beneficiary-results", context)


# --- Detail and actions ------------------------------------------------------------------
