"""Privacy pages: who opened a person's data, and the whole access log (supervisors only)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.forms.access_log import AccessLogFilterForm
from cases.models import Beneficiary, Case
from psm.accesslog.models import AccessEntry
from psm.accesslog.selectors import access_log_for_people, access_log_search
from psm.accounts.access import require_supervisor
from psm.accounts.http import AuthenticatedHttpRequest
from psm.pagination import paginate

PAGE_SIZE = 50


@require_GET
def beneficiary_access_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every view of this person's case pages, files and record, newest first. A merged
    duplicate's log is part of it (the same person under an older record)."""
    require_supervisor(request)
    person = get_object_or_404(Beneficiary.objects.select_related("kelurahan"), pk=pk)
    ids = [person.pk, *person.merged_records.values_list("pk", flat=True)]
    page = paginate(request, access_log_for_people(ids), PAGE_SIZE, counted=True)
    return render(request, "cases/access_log.html", {"person": person, "page": page})


@require_GET
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every page and file opened, by anyone, newest first; filtered by who, case and days."""
    require_supervisor(request)
    form = AccessLogFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        case: Case | None = data.get("case")
        objects: dict[str, list[int]] | None = None
        if case is not None:  # the case page (and its print view) and its files
            objects = {
                AccessEntry.Kind.CASE: [case.pk],
                AccessEntry.Kind.ATTACHMENT: list(case.attachments.values_list("pk", flat=True)),
            }
        start, end = data.get("start"), data.get("end")
        entries = access_log_search(
            user_ids=data.get("who"),
            objects=objects,
            start=_day_start(start) if start else None,
            end=_day_start(end + dt.timedelta(days=1)) if end else None,
        )
        page = paginate(request, entries, PAGE_SIZE, counted=True)
    query = urlencode(
        [(k, v) for k, v in request.GET.items() if k != "page" and k in form.fields and v]
    )
    return render(
        request,
        "cases/access_log_all.html",
        {"form": form, "page": page, "query": query, "filtered": bool(query)},
        status=200,
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))  # local midnight
