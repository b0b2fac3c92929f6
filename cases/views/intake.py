"""Filing a case (intake) and the person search (NIK lookups counted: cases.services.nik_lookup)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import selectors, services
from cases.forms import IntakeForm
from cases.services.nik_lookup import intake_lookups_allowed, nik_lookup
from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User
from psm.forms import add_service_errors
from psm.nik import typed_nik
from psm.ratelimit import limit
from psm.search import search_view


def _intake_user(request: AuthenticatedHttpRequest) -> User:
    services.case_file_check(request.user)
    return request.user


def _intake_too_fast(request: AuthenticatedHttpRequest, retry_after: int) -> HttpResponse:
    """Over the intake limit: the form again as typed (not validated, nothing saved)."""
    messages.error(
        request,
        _(
            "Too many cases sent in a short time: the case was NOT filed yet. Wait a minute, "
            "check the form below (choose the photos again) and send it once more."
        ),
    )
    return _intake_as_typed(request, retry_after=retry_after)


def _intake_as_typed(request: AuthenticatedHttpRequest, **extra: Any) -> HttpResponse:
    """The form again with what was typed, not validated: validating would look the typed
    NIK (and a picked person) up, which is what the limit refused."""
    typed = {key: request.POST.get(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    form = IntakeForm(initial=typed, user=_intake_user(request))
    context = {"form": form, "chosen": None, "duplicates": [], **extra}
    context["files_lost"] = len(request.FILES.getlist("uploads"))
    return render(request, "cases/intake.html", context, status=429)


def _intake_too_many_lookups(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _intake_user(request)
    if request.method == "POST":
        if not intake_lookups_allowed(user=user, data=request.POST, path=request.path):
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


@search_view  # a typed NIK arrives by POST and is sealed (psm.search)
@require_GET
def beneficiary_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: people matching the typed NIK or name, as radio buttons inside the intake form."""
    user = _intake_user(request)
    query = request.GET.get("q", "")
    context: dict[str, Any] = {"query": query, "show_nik": user.is_officer}
    nik = typed_nik(query)
    if nik:
        allowed, found = nik_lookup(user=user, nik=nik, path=request.path)
        context["results"] = [found] if found else []
        if not allowed:
            context["too_many_lookups"] = True
            return render(request, "cases/intake.html#beneficiary-results", context, status=429)
    else:
        context["results"] = selectors.beneficiary_search(user, query)
    return render(request, "cases/intake.html#beneficiary-results", context)
