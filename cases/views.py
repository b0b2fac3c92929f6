"""Thin views: selector -> form -> service -> render/redirect."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from cases import selectors, services
from cases.audit import case_audit_history
from cases.forms import (
    AssignForm,
    AttachmentForm,
    IntakeForm,
    MergeForm,
    NoteForm,
    TransitionForm,
    VisitForm,
)
from cases.models import Beneficiary, Case
from cases.workflow import transitions_for
from psm.accesslog.models import AccessEntry
from psm.accesslog.services import access_record, access_record_many
from psm.accounts.access import require_officer
from psm.accounts.models import User
from psm.letterhead import letterhead
from psm.ratelimit import limit
from psm.search import search_view

VISIT_CLOSED_STATUSES = (Case.Status.CLOSED, Case.Status.REJECTED)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Intake ------------------------------------------------------------------------------


def _intake_user(request: HttpRequest) -> User:
    user = _user(request)
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
                _add_form_errors(form, exc)
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
    return NIK_LOOKUPS_OFFICER if _user(request).is_officer else NIK_LOOKUPS_VOLUNTEER


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
    user = _user(request)
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


def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_detail_for_user(user, reference)
    _log_case_view(request, case)
    return render(request, "cases/detail.html", _detail_context(user, case))


def case_print(request: HttpRequest, reference: str) -> HttpResponse:
    """The case on A4 for the paper file: the case page's facts without its forms."""
    user = _user(request)
    case = selectors.case_detail_for_user(user, reference)
    _log_case_view(request, case)
    context = {
        "case": case,
        "beneficiary": case.beneficiary,
        "show_nik": user.is_officer,
        "show_person": selectors.person_shown_to(user, case),
        "events": case.events.all(),
        "visits": case.visits.all(),
        "photos": [a for a in case.attachments.all() if a.is_image and a.purged_at is None],
        "letterhead": letterhead(),
        "printed_at": timezone.now(),
    }
    return render(request, "cases/print.html", context)


def _log_case_view(request: HttpRequest, case: Case) -> None:
    access_record(
        request=request,
        kind=AccessEntry.Kind.CASE,
        object_id=case.pk,
        beneficiary_id=case.beneficiary_id,
    )


def _detail_context(user: User, case: Case, **forms: Any) -> dict[str, Any]:
    moves = transitions_for(case=case, user=user)
    can_visit = case.status not in VISIT_CLOSED_STATUSES
    context: dict[str, Any] = {
        "case": case,
        "beneficiary": case.beneficiary,
        "show_nik": user.is_officer,
        # A volunteer reads the person's record only if they may see the person, not merely
        # because they filed this case (picked at intake by someone else's full NIK).
        "show_person": selectors.person_shown_to(user, case),
        "moves": [{"to": to, "rule": rule} for to, rule in moves],
        # A refused status change comes back with what was typed (reason, partner, note).
        "typed_move": _typed_move(forms.get("transition_form"), moves),
        "note_form": forms.get("note_form") or NoteForm(),
        "visit_form": (forms.get("visit_form") or VisitForm()) if can_visit else None,
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "events": case.events.all(),
        "visits": case.visits.all(),
        "attachments": case.attachments.all(),
        **_map_context(case),
    }
    if user.is_officer:
        if case.is_open:
            context["assign_form"] = forms.get("assign_form") or AssignForm(assignees=_assignees())
        context["possible_duplicates"] = selectors.beneficiary_possible_duplicates(case.beneficiary)
    if user.is_supervisor_or_admin:  # the audit trail: supervisors (and admins) only
        context["audit_history"] = case_audit_history(case)
    return context


def _typed_move(form: TransitionForm | None, moves: Any) -> dict[str, Any] | None:
    if form is None:
        return None
    typed: dict[str, Any] = {
        key: str(form.data.get(key, "")) for key in ("to_status", "reason", "partner", "note")
    }
    typed["offered"] = any(to == typed["to_status"] for to, _rule in moves)
    typed["text"] = typed["reason"] or typed["partner"] or typed["note"]
    return typed


def _map_context(case: Case) -> dict[str, Any]:
    """The map block's settings and the links that open the case's point elsewhere."""
    if case.latitude is None or case.longitude is None:
        return {}
    lat, lon = f"{case.latitude:f}", f"{case.longitude:f}"
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_links": {
            "geo": f"geo:{lat},{lon}?q={lat},{lon}",
            "web": settings.MAP_LINK_URL.format(lat=lat, lon=lon),
        },
    }


def _assignees() -> Any:
    return services.assignable_users()


def _back(case: Case) -> HttpResponse:
    return redirect(case)


@require_POST
def case_transition(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get_for_user(user, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("This change is not possible: %(errors)s")
            % {"errors": " ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
        return _rerender(request, case, transition_form=form)
    try:
        services.case_transition(case=case, actor=user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _rerender(request, case, transition_form=form)
    messages.success(request, _("Case is now: %(status)s.") % {"status": case.get_status_display()})
    return _back(case)


@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get_for_user(user, reference)
    require_officer(request)
    form = AssignForm(request.POST, assignees=_assignees())
    if form.is_valid():
        try:
            services.case_assign(case=case, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return _rerender(request, case, assign_form=form)
        messages.success(
            request, _("Case assigned to %(name)s.") % {"name": form.cleaned_data["assignee"]}
        )
        return _back(case)
    messages.error(request, _("Choose who handles the case."))
    return _rerender(request, case, assign_form=form)


def _rerender(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    """The detail page again with the failed form as typed (status 400)."""
    user = _user(request)
    case = selectors.case_detail_for_user(user, case.reference)
    _log_case_view(request, case)
    return render(request, "cases/detail.html", _detail_context(user, case, **forms), status=400)


@require_POST
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get_for_user(user, reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_add_note(case=case, actor=user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error("note", exc)
        else:
            messages.success(request, _("Note added."))
            return _back(case)
    return _rerender(request, case, note_form=form)


@require_POST
def case_visit(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get_for_user(user, reference)
    if case.status in VISIT_CLOSED_STATUSES:
        messages.error(request, _("Visits cannot be logged on a closed or rejected case."))
        return _back(case)
    form = VisitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.visit_log(case=case, actor=user, files=data.pop("uploads"), **data)
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("Visit logged."))
            return _back(case)
    return _rerender(request, case, visit_form=form)


def _add_form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_POST
def case_attach(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get_for_user(user, reference)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachments_add(case=case, uploads=form.cleaned_data["uploads"], actor=user)
        except ValidationError as exc:  # a file that passed its header check but not decoding
            form.add_error("uploads", exc)
        else:
            messages.success(request, _("Files added."))
            return _back(case)
    return _rerender(request, case, attachment_form=form)


@never_cache  # also marks the response private, no-store
def attachment_download(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """The only way to a stored file: the case must be visible to this user."""
    attachment = selectors.attachment_get_for_user(_user(request), reference, attachment_id)
    if attachment.purged_at is not None:  # deleted under the retention policy
        raise Http404
    access_record(
        request=request,
        kind=AccessEntry.Kind.ATTACHMENT,
        object_id=attachment.pk,
        beneficiary_id=attachment.case.beneficiary_id,
    )
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@never_cache
def attachment_thumbnail(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """A photo's small preview for the case page, behind the same check as the photo.

    Not written to the access log on its own: it is shown only on the case page, whose
    view is logged (five photos would otherwise make six entries per visit)."""
    attachment = selectors.attachment_get_for_user(_user(request), reference, attachment_id)
    if attachment.purged_at is not None or not attachment.is_image:
        raise Http404
    try:
        name = services.attachment_thumbnail(attachment=attachment)
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Beneficiary merge (officers) --------------------------------------------------------


def beneficiary_merge(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    user = require_officer(request)
    live = Beneficiary.objects.filter(merged_into__isnull=True).select_related("kelurahan")
    first = get_object_or_404(live, pk=pk)
    second = get_object_or_404(live, pk=other_pk)
    if first.pk == second.pk:
        raise Http404
    pair = (first, second)
    access_record_many(
        request=request,
        kind=AccessEntry.Kind.BENEFICIARY,
        objects=[(person.pk, person.pk) for person in pair],
    )
    form = MergeForm(request.POST or None, pair=pair)
    next_url = request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        survivor, duplicate = form.survivor_and_duplicate()
        try:
            services.beneficiary_merge(survivor=survivor, duplicate=duplicate, actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(dup)s was merged into %(surv)s.")
                % {"dup": duplicate.name, "surv": survivor.name},
            )
            case = survivor.cases.order_by("-created_at").first()
            return redirect(case) if case else redirect("home")
    counts = {b.pk: b.cases.count() for b in pair}
    return render(
        request,
        "cases/merge.html",
        {"form": form, "pair": pair, "counts": counts, "next": next_url},
        status=400 if request.method == "POST" else 200,
    )
