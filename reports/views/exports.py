"""Supervisors' exports: the monthly report (XLSX/PDF), the filtered case list (CSV/XLSX)
and the log of every export. Each export states a purpose and is logged before it leaves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors.queue import COUNT_LIMIT, CaseFilter, filtered_cases
from psm.accounts.access import require_supervisor
from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User
from psm.exports import logged_filters
from psm.pagination import paginate
from psm.ratelimit import limit
from psm.search import sealed_query, search_params
from psm.ui.dates import shown
from reports.exports import case_rows, csv_stream, xlsx_file
from reports.forms.exports import CaseExportForm, MonthlyReportForm
from reports.models import ExportLog
from reports.monthly import monthly_report, monthly_report_pdf, monthly_report_xlsx
from reports.services import export_log_create, export_log_finish
from volunteers.selectors import last_month

# Exports per supervisor per hour (each POST that asks for a file counts).
EXPORT_RATE = "10/h"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOG_PAGE_SIZE = 50
# openpyxl (write-only) needs ~0.3 ms of CPU per case row here (100,000 rows: ~35 s), and
# the file goes out only once complete: past this many rows an XLSX would outlast gunicorn's
# 30 s worker timeout. CSV streams from the first row and has no such limit.
XLSX_MAX_ROWS = 50_000


@limit("export", EXPORT_RATE)
@require_http_methods(["GET", "POST"])
def report_monthly(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = require_supervisor(request)
    if request.method == "POST":
        form = MonthlyReportForm(request.POST)
        if form.is_valid():
            return _monthly_response(user, form.cleaned_data)
    else:
        previous = last_month()
        kecamatan = request.GET.get("kecamatan", "")
        form = MonthlyReportForm(
            initial={
                "month": previous.strftime("%Y-%m"),
                "kecamatan": kecamatan if kecamatan.isdigit() else None,
            }
        )
    return render(request, "reports/exports/monthly.html", {"form": form, "tab": "monthly"})


def _monthly_response(user: User, data: dict[str, Any]) -> HttpResponse:
    month, kecamatan, kind = data["month"], data["kecamatan"], data["format"]
    report = monthly_report(month=month, kecamatan=kecamatan, user=user)
    if kind == "pdf":
        content, content_type = monthly_report_pdf(report), "application/pdf"
    else:
        content, content_type = monthly_report_xlsx(report), XLSX_TYPE
    export_log_create(
        user=user,
        kind=ExportLog.Kind.MONTHLY_PDF if kind == "pdf" else ExportLog.Kind.MONTHLY_XLSX,
        filters={
            "month": month.strftime("%Y-%m"),
            "kecamatan": kecamatan.pk if kecamatan else None,
            "kecamatan_name": kecamatan.name if kecamatan else None,
        },
        purpose=data["purpose"],
        row_count=report.board.total,
    )
    area = f"-{kecamatan.code}" if kecamatan else ""
    response = HttpResponse(content, content_type=content_type)
    filename = f"laporan-bulanan-{month:%Y-%m}{area}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filter_params(request: AuthenticatedHttpRequest, case_filter: CaseFilter) -> dict[str, Any]:
    return logged_filters(request.GET, {*case_filter.filters, "sort", "list"})


def _filter_summary(case_filter: CaseFilter) -> list[tuple[str, str]]:
    """The active filters as "label: value" for the export page."""
    form = case_filter.form
    if not form.is_valid():
        return []
    summary = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], False):
            continue
        if isinstance(value, Model):
            text = str(value)
        elif isinstance(value, dt.date):
            text = shown(value, "long_date")
        elif value is True:
            text = _("yes")
        elif hasattr(field, "choices"):
            labels = {str(k): v for k, v in field.choices}
            values = value if isinstance(value, list) else [value]
            text = ", ".join(str(labels.get(str(v), v)) for v in values)
        else:
            text = str(value)
        summary.append((str(field.label), text))
    return summary


@limit("export", EXPORT_RATE)
@search_params
@require_http_methods(["GET", "POST"])
def export_cases(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The case list with the filters in the query string (?list=triage for the queue)."""
    user = require_supervisor(request)
    triage = request.GET.get("list") == "triage"
    case_filter, qs, _sort = filtered_cases(user, request.GET, triage=triage)
    form = CaseExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not case_filter.is_valid():
            form.add_error(
                None, _("The list's filters are not valid: correct them on the list first.")
            )
        elif form.cleaned_data["format"] == "xlsx" and qs[: XLSX_MAX_ROWS + 1].count() > (
            XLSX_MAX_ROWS
        ):
            form.add_error(
                "format",
                _("More than %(n)s cases: choose CSV or narrow the filters.")
                % {"n": number_format(XLSX_MAX_ROWS, force_grouping=True)},
            )
        else:
            return _cases_response(
                user, form.cleaned_data, qs, _filter_params(request, case_filter)
            )
    query = sealed_query(request.GET)
    query.pop("list", None)
    count = qs[: COUNT_LIMIT + 1].count() if case_filter.is_valid() else 0
    return render(
        request,
        "reports/exports/cases.html",
        {
            "form": form,
            "tab": "cases",
            "summary": _filter_summary(case_filter),
            "filters_valid": case_filter.is_valid(),
            "count": count,
            "capped": count > COUNT_LIMIT,
            "count_limit": COUNT_LIMIT,
            "triage": triage,
            "list_query": query.urlencode(),
        },
    )


def _cases_response(
    user: User, data: dict[str, Any], qs: Any, filters: dict[str, Any]
) -> HttpResponseBase:
    include_nik = bool(data["include_nik"])
    kind = data["format"]
    entry = export_log_create(
        user=user,
        kind=ExportLog.Kind.CASES_CSV if kind == "csv" else ExportLog.Kind.CASES_XLSX,
        filters=filters,
        purpose=data["purpose"],
        include_nik=include_nik,
    )
    rows = case_rows(qs, include_nik=include_nik)
    filename = f"kasus-{timezone.localdate():%Y-%m-%d}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(
            csv_stream(rows, on_done=lambda n: export_log_finish(entry_id=entry.pk, row_count=n)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    out, count = xlsx_file(rows, sheet_title=_("Cases"))
    export_log_finish(entry_id=entry.pk, row_count=count)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


@require_GET
def export_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_supervisor(request)
    entries = ExportLog.objects.select_related("user").order_by("-created_at", "-id")
    page = paginate(request, entries, LOG_PAGE_SIZE, counted=True)
    return render(request, "reports/exports/log.html", {"page": page, "tab": "log"})
