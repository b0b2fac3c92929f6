from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from psm.accesslog.models import AccessEntry
from psm.accesslog.services import access_record
from psm.accounts.http import AuthenticatedHttpRequest
from psm.exports import export_log, logged_filters
from psm.forms import add_service_errors
from psm.pagination import paginate
from psm.ratelimit import limit
from psm.search import search_params, search_view
from volunteers import selectors
from volunteers.forms import (
    RosterExportForm,
    RosterFilter,
    RosterImportForm,
    VolunteerCreateForm,
    VolunteerForm,
    VolunteerStatusForm,
)
from volunteers.models import Volunteer
from volunteers.resources import roster_export
from volunteers.services import (
    roster_import,
    roster_upload_drop,
    roster_upload_get,
    roster_upload_keep,
    volunteer_create,
    volunteer_invite,
    volunteer_set_status,
    volunteer_update,
)
from volunteers.views.common import base_url, query_without_page, require_admin


@search_view
def volunteer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    roster = selectors.volunteer_roster(user=user)
    filterset = RosterFilter(request.GET or None, queryset=roster)
    page = paginate(request, filterset.qs)
    for row in page.object_list:
        row.workload = selectors.workload_by_status(row)
    context = {
        "filter": filterset,
        "page": page,
        "query": query_without_page(request),
        "last_month": selectors.last_month(),
        "can_edit": user.is_admin_role,
    }
    template = "volunteers/volunteer_list.html"
    if getattr(request, "htmx", False):
        template += "#roster-table"
    return render(request, template, context)


# Roster exports per admin per hour (as the case exports).
EXPORT_RATE = "10/h"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@limit("export", EXPORT_RATE)
@search_params
@require_http_methods(["GET", "POST"])
def volunteer_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered roster as XLSX or CSV. Admin only: the file holds full NIKs, so like the
    case exports it asks for a purpose (POST) and leaves an export-log row."""
    user = require_admin(request)
    roster = selectors.volunteer_roster(user=user, workload=False)
    filterset = RosterFilter(request.GET or None, queryset=roster)
    form = RosterExportForm(request.POST or None, initial={"format": request.GET.get("format")})
    if request.method == "POST" and form.is_valid():
        file_format = form.cleaned_data["format"]
        rows = filterset.qs
        content = roster_export(rows, file_format)
        export_log(
            user=user,
            kind=f"roster_{file_format}",
            filters=logged_filters(request.GET, filterset.filters),
            purpose=form.cleaned_data["purpose"],
            include_nik=True,
            row_count=rows.count(),
        )
        access_record(request=request, kind=AccessEntry.Kind.EXPORT, object_id=None)
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="relawan-psm-{stamp}.{file_format}"'
        )
        return response
    context = {
        "form": form,
        "count": filterset.qs.count(),
        "list_query": query_without_page(request, drop=("format",)),
    }
    return render(request, "volunteers/volunteer_export.html", context)


def volunteer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = selectors.volunteer_get(user=user, pk=pk)
    context = {
        "volunteer": volunteer,
        "show_full_nik": user.is_admin_role,
        "workload": selectors.workload_by_status(volunteer),
        "trainings": selectors.volunteer_trainings(volunteer),
        "reports": selectors.volunteer_reports(volunteer)[:12],
        "changes": selectors.volunteer_history(user=user, volunteer=volunteer),
        "can_edit": user.is_admin_role,
        "last_month": selectors.last_month(),
    }
    return render(request, "volunteers/volunteer_detail.html", context)


def volunteer_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = require_admin(request)
    form = VolunteerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = volunteer_create(
                username=form.cleaned_data["username"],
                actor=user,
                base_url=base_url(request),
                **form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Volunteer %(name)s added; an invitation to set a password was sent.")
                % {"name": volunteer},
            )
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request, "volunteers/volunteer_form.html", {"form": form, "title": _("Add volunteer")}
    )


def volunteer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    volunteer = selectors.volunteer_get(user=user, pk=pk)
    form = VolunteerForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            changes = volunteer_update(volunteer=volunteer, data=form.service_data(), actor=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {"form": form, "volunteer": volunteer, "title": _("Edit volunteer")},
    )


def volunteer_status(request: AuthenticatedHttpRequest, pk: int, preset: str = "") -> HttpResponse:
    """Change status (deactivate, suspend, reactivate) after a confirmation with a reason."""
    user = require_admin(request)
    volunteer = selectors.volunteer_get(user=user, pk=pk)
    initial = {"status": preset or volunteer.status}
    form = VolunteerStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_set_status(
                volunteer=volunteer,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Status updated."))
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_status.html",
        {"form": form, "volunteer": volunteer, "preset": preset},
    )


def volunteer_deactivate_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return volunteer_status(request, pk, preset=Volunteer.Status.INACTIVE)


@require_POST
def volunteer_invite_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    volunteer = selectors.volunteer_get(user=user, pk=pk)
    try:
        volunteer_invite(volunteer=volunteer, actor=user, base_url=base_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new invitation was sent; earlier links no longer work."))
    return redirect("volunteers:detail", pk=volunteer.pk)


def volunteer_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload -> preview (nothing written; the file kept server-side under a token) ->
    "Import now" (no row has an error) or "Import the valid rows" (the others are skipped
    and reported): the kept file, validated again, without a second upload."""
    user = require_admin(request)
    context: dict[str, object] = {}
    form = RosterImportForm()
    if request.method == "POST" and request.POST.get("step") == "confirm":
        token = request.POST.get("token", "")
        kept = roster_upload_get(user=user, token=token)
        if kept is None:
            messages.error(
                request,
                _("The preview has expired or was already imported. Upload the file again."),
            )
            context["form"] = form
            return render(request, "volunteers/volunteer_import.html", context)
        content, file_format = kept
        result = roster_import(
            content=content,
            file_format=file_format,
            actor=user,
            base_url=base_url(request),
            dry_run=False,
            valid_rows_only=request.POST.get("valid_rows_only") == "1",
        )
        if result.written:
            roster_upload_drop(user=user, token=token)
            messages.success(
                request,
                _(
                    "Import finished: %(new)d new, %(update)d updated, %(unchanged)d "
                    "unchanged, %(error)d rows skipped."
                )
                % result.totals,
            )
            if result.error_rows:
                messages.warning(
                    request,
                    _("Skipped rows (fix them in the file and import it again): %(rows)s.")
                    % {"rows": ", ".join(str(r.number) for r in result.error_rows)},
                )
            return redirect("volunteers:list")
        messages.error(request, _("Nothing was imported: the file has errors."))
        context.update(result=result, token=token)
    elif request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            file_format = "csv" if upload.name.lower().endswith(".csv") else "xlsx"
            result = roster_import(
                content=content, file_format=file_format, actor=user, dry_run=True
            )
            context.update(result=result, file_name=upload.name)
            if result.valid_rows:
                context["token"] = roster_upload_keep(
                    user=user, content=content, file_format=file_format
                )
    context["form"] = form
    return render(request, "volunteers/volunteer_import.html", context)
