"""The case page and what is done from it: transition, assign, note, visit, attachments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.forms import (
    AssignForm,
    AttachmentForm,
    NoteForm,
    TransitionForm,
    VisitForm,
)
from cases.models import Case
from cases.models.workflow import transitions_for
from cases.selectors.audit import case_audit_history
from cases.views.common import errors_text
from psm.accesslog.models import AccessEntry
from psm.accesslog.services import access_record
from psm.accounts.access import require_officer
from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User
from psm.forms import add_service_errors
from psm.letterhead import letterhead


def case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    user = request.user
    case = selectors.case_detail_for_user(user, reference)
    _log_case_view(request, case)
    return render(request, "cases/detail.html", _detail_context(user, case))


def case_print(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The case on A4 for the paper file: the case page's facts without its forms."""
    user = request.user
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


def _log_case_view(request: AuthenticatedHttpRequest, case: Case) -> None:
    access_record(
        request=request,
        kind=AccessEntry.Kind.CASE,
        object_id=case.pk,
        beneficiary_id=case.beneficiary_id,
    )


def _detail_context(user: User, case: Case, **forms: Any) -> dict[str, Any]:
    moves = transitions_for(case=case, user=user)
    can_visit = services.visit_allowed(case)
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
def case_transition(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    user = request.user
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
        messages.error(request, errors_text(exc))
        return _rerender(request, case, transition_form=form)
    messages.success(request, _("Case is now: %(status)s.") % {"status": case.get_status_display()})
    return _back(case)


@require_POST
def case_assign(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get_for_user(user, reference)
    require_officer(request)
    form = AssignForm(request.POST, assignees=_assignees())
    if form.is_valid():
        try:
            services.case_assign(case=case, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, errors_text(exc))
            return _rerender(request, case, assign_form=form)
        messages.success(
            request, _("Case assigned to %(name)s.") % {"name": form.cleaned_data["assignee"]}
        )
        return _back(case)
    messages.error(request, _("Choose who handles the case."))
    return _rerender(request, case, assign_form=form)


def _rerender(request: AuthenticatedHttpRequest, case: Case, **forms: Any) -> HttpResponse:
    """The detail page again with the failed form as typed (status 400)."""
    user = request.user
    case = selectors.case_detail_for_user(user, case.reference)
    _log_case_view(request, case)
    return render(request, "cases/detail.html", _detail_context(user, case, **forms), status=400)


@require_POST
def case_note(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    user = request.user
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
def case_visit(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get_for_user(user, reference)
    try:
        services.visit_check(case=case)  # before the form: a closed case shows no visit form
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
        return _back(case)
    form = VisitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.visit_log(case=case, actor=user, files=data.pop("uploads"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Visit logged."))
            return _back(case)
    return _rerender(request, case, visit_form=form)


@require_POST
def case_attach(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    user = request.user
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
def attachment_download(
    request: AuthenticatedHttpRequest, reference: str, attachment_id: int
) -> FileResponse:
    """The only way to a stored file: the case must be visible to this user."""
    attachment = selectors.attachment_get_for_user(request.user, reference, attachment_id)
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
def attachment_thumbnail(
    request: AuthenticatedHttpRequest, reference: str, attachment_id: int
) -> FileResponse:
    """A photo's small preview for the case page, behind the same check as the photo.

    Not written to the access log on its own: it is shown only on the case page, whose
    view is logged (five photos would otherwise make six entries per visit)."""
    attachment = selectors.attachment_get_for_user(request.user, reference, attachment_id)
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
