"""Privacy pages: who opened a person's data (supervisors only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.models import Beneficiary
from psm.accesslog.selectors import access_log_for_people
from psm.accounts.access import require_supervisor

PAGE_SIZE = 50


@require_GET
def beneficiary_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Every view of this person's case pages, files and record, newest first. A merged
    duplicate's log is part of it (the same person under an older record)."""
    require_supervisor(request)
    person = get_object_or_404(Beneficiary.objects.select_related("kelurahan"), pk=pk)
    ids = [person.pk, *person.merged_records.values_list("pk", flat=True)]
    page = Paginator(access_log_for_people(ids), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/access_log.html", {"person": person, "page": page})
