from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from psm.accounts.http import AuthenticatedHttpRequest
from psm.forms import add_service_errors
from psm.pagination import paginate
from volunteers import selectors
from volunteers.forms import AttendanceForm, TrainingForm, TrainingInviteForm
from volunteers.models import Training
from volunteers.services import (
    training_attendance_set,
    training_create,
    training_invite,
    training_uninvite,
    training_update,
)
from volunteers.views.common import require_admin


def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    page = paginate(request, selectors.training_list(user=user))
    own = {}
    volunteer = selectors.volunteer_for_user(user)
    if volunteer is not None:
        own = {p.training_id: p for p in volunteer.trainings.all()}
    for training in page.object_list:
        training.my_participation = own.get(training.pk)
    return render(
        request,
        "volunteers/training_list.html",
        {"page": page, "can_edit": user.is_admin_role, "query": ""},
    )


def training_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    training = selectors.training_get(user=user, pk=pk)
    return _training_page(request, training)


def _training_page(
    request: AuthenticatedHttpRequest,
    training: Training,
    *,
    invite_form: TrainingInviteForm | None = None,
    attendance_form: AttendanceForm | None = None,
    attendance_of: int | None = None,
) -> HttpResponse:
    """The training page; after a refused invitation or attendance, with that form as typed
    (status 400) instead of a redirect that dropped it."""
    user = request.user
    context: dict[str, object] = {"training": training, "can_edit": user.is_admin_role}
    if user.is_officer:
        participants = list(selectors.training_participants(training))
        for p in participants:
            p.form = (  # type: ignore[attr-defined]
                attendance_form
                if attendance_form is not None and p.pk == attendance_of
                else AttendanceForm(
                    initial={
                        "attendance": p.attendance,
                        "certificate_number": p.certificate_number,
                    },
                    prefix=f"p{p.pk}",
                )
            )
        context["participants"] = participants
        context["invite_form"] = invite_form or TrainingInviteForm()
    else:
        volunteer = selectors.volunteer_for_user(user)
        context["mine"] = training.participants.filter(volunteer=volunteer).first()
    failed = invite_form is not None or attendance_form is not None
    return render(
        request, "volunteers/training_detail.html", context, status=400 if failed else 200
    )


def training_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = require_admin(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = training_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Training saved. Now invite volunteers."))
            return redirect("volunteers:training_detail", pk=training.pk)
    return render(
        request, "volunteers/training_form.html", {"form": form, "title": _("New training")}
    )


def training_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    training = selectors.training_get(user=user, pk=pk)
    form = TrainingForm(request.POST or None, instance=training)
    if request.method == "POST" and form.is_valid():
        try:
            training_update(training=training, data=dict(form.cleaned_data), actor=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("volunteers:training_detail", pk=training.pk)
    return render(
        request,
        "volunteers/training_form.html",
        {"form": form, "training": training, "title": _("Edit training")},
    )


@require_POST
def training_invite_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    training = selectors.training_get(user=user, pk=pk)
    form = TrainingInviteForm(request.POST)
    if form.is_valid():
        try:
            invited = training_invite(
                training=training,
                volunteers=form.cleaned_data["volunteers"],
                kelurahan=form.cleaned_data["kelurahan"],
                actor=user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _training_page(request, training, invite_form=form)
        messages.success(request, _("%(n)d volunteers invited.") % {"n": len(invited)})
        return redirect("volunteers:training_detail", pk=training.pk)
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return _training_page(request, training, invite_form=form)


@require_POST
def training_attendance(
    request: AuthenticatedHttpRequest, pk: int, participant_pk: int
) -> HttpResponse:
    user = require_admin(request)
    training = selectors.training_get(user=user, pk=pk)
    participant = selectors.training_participant_get(
        user=user, training=training, pk=participant_pk
    )
    if request.POST.get("action") == "remove":
        try:
            training_uninvite(participant=participant, actor=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Invitation withdrawn."))
        return redirect("volunteers:training_detail", pk=training.pk)
    form = AttendanceForm(request.POST, prefix=f"p{participant.pk}")
    if form.is_valid():
        try:
            training_attendance_set(participant=participant, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, f"{participant.volunteer}: {' '.join(exc.messages)}")
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Attendance saved for %(name)s.") % {"name": participant.volunteer}
            )
            return redirect("volunteers:training_detail", pk=training.pk)
    else:
        messages.error(request, _("Choose a valid attendance."))
    return _training_page(request, training, attendance_form=form, attendance_of=participant.pk)
