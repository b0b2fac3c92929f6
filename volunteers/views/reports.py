from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from psm.accounts.access import require_supervisor
from psm.accounts.http import AuthenticatedHttpRequest
from psm.forms import add_service_errors
from psm.pagination import paginate
from volunteers import selectors
from volunteers.forms import ActivityReportForm, ActivityReportReviewForm
from volunteers.models import ActivityReport, Volunteer
from volunteers.services import (
    activity_report_cases_handled_prefill,
    activity_report_create,
    activity_report_review,
    activity_report_submit,
    activity_report_update,
)
from volunteers.views.common import query_without_page


def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    reports = selectors.activity_report_list(user=user)
    status = request.GET.get("status", "")
    if status in ActivityReport.Status.values:
        reports = reports.filter(status=status)
    last_month = selectors.last_month()
    context: dict[str, object] = {
        "page": paginate(request, reports),
        "query": query_without_page(request),
        "status": status,
        "statuses": ActivityReport.Status.choices,
        "last_month": last_month,
        "is_volunteer": user.is_volunteer,
    }
    if user.is_officer:
        missing = selectors.volunteers_not_reported(user=user, month=last_month)
        context["missing"] = missing.order_by("user__full_name")[:50]
    return render(request, "volunteers/report_list.html", context)


def _own_volunteer(request: AuthenticatedHttpRequest) -> Volunteer:
    volunteer = selectors.volunteer_for_user(request.user)
    if volunteer is None:
        raise PermissionDenied
    return volunteer


def report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    initial: dict[str, object] = {"month": selectors.last_month()}
    if request.method != "POST":
        initial["cases_handled"] = activity_report_cases_handled_prefill(
            volunteer=volunteer, month=selectors.last_month()
        )
    form = ActivityReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = activity_report_create(
                volunteer=volunteer, submit="submit" in request.POST, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report saved."))
            return redirect("volunteers:report_detail", pk=report.pk)
    return render(
        request, "volunteers/report_form.html", {"form": form, "title": _("New activity report")}
    )


def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = selectors.activity_report_get(user=user, pk=pk)
    is_owner = report.volunteer.user_id == user.pk
    context = {
        "report": report,
        "is_owner": is_owner,
        "can_review": user.is_supervisor_or_admin
        and report.status == ActivityReport.Status.SUBMITTED,
        "review_form": ActivityReportReviewForm(),
    }
    return render(request, "volunteers/report_detail.html", context)


def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = selectors.activity_report_get(user=user, pk=pk)
    if report.volunteer.user_id != user.pk:
        raise Http404
    if not report.is_editable:
        messages.error(request, _("Only a draft or a report sent back for revision can be edited."))
        return redirect("volunteers:report_detail", pk=report.pk)
    form = ActivityReportForm(request.POST or None, instance=report)
    form.fields["month"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "month"}
        try:
            report = activity_report_update(report=report, data=data, actor=user)
            if "submit" in request.POST:
                report = activity_report_submit(report=report, actor=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report saved."))
            return redirect("volunteers:report_detail", pk=report.pk)
    return render(
        request,
        "volunteers/report_form.html",
        {"form": form, "report": report, "title": _("Edit activity report")},
    )


@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = selectors.activity_report_get(user=user, pk=pk)
    if report.volunteer.user_id != user.pk:
        raise Http404
    try:
        activity_report_submit(report=report, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Report submitted for review."))
    return redirect("volunteers:report_detail", pk=report.pk)


def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = require_supervisor(request)
    report = selectors.activity_report_get(user=user, pk=pk)
    form = ActivityReportReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity_report_review(
                report=report,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                reviewer=user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Review saved."))
            return redirect("volunteers:report_detail", pk=report.pk)
    return render(
        request,
        "volunteers/report_detail.html",
        {"report": report, "can_review": True, "review_form": form, "is_owner": False},
    )
