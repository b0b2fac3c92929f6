"""The supervisors' dashboard (/dashboard/)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.dashboard import dashboard_numbers
from cases.forms_dashboard import DashboardForm
from cases.models import Case, Priority
from psm.accounts.access import require_officer


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    form = DashboardForm(request.GET or None)
    board = dashboard_numbers(form.to_filter())
    form.fields["kecamatan"].widget.choices = [("", _("All kecamatan")), *board.kecamatan_choices]  # type: ignore[attr-defined]
    form.fields["category"].widget.choices = [("", _("All categories")), *board.category_choices]  # type: ignore[attr-defined]
    # Chart.js reads these from data attributes (no inline script: strict CSP).
    charts = {
        "category": {
            "labels": [n for n, _c in board.by_category],
            "values": [c for _n, c in board.by_category],
        },
        "kecamatan": {
            "labels": [n for n, _c in board.by_kecamatan],
            "values": [c for _n, c in board.by_kecamatan],
        },
        "trend": {
            "labels": [w.isoformat() for w, _f, _c in board.trend],
            "filed": [f for _w, f, _c in board.trend],
            "closed": [c for _w, _f, c in board.trend],
            "filed_label": str(_("Filed")),
            "closed_label": str(_("Closed")),
        },
    }
    status_rows = [(s, label, board.by_status.get(s, 0)) for s, label in Case.Status.choices]
    sla_rows = [
        {
            "key": key,
            "label": label,
            **board.sla[key],
            "overdue": board.overdue_now.get(key, sum(board.overdue_now.values())),
        }
        for key, label in [*Priority.choices, ("all", _("All priorities"))]
    ]
    return render(
        request,
        "cases/dashboard.html",
        {
            "form": form,
            "board": board,
            "status_rows": status_rows,
            "sla_rows": sla_rows,
            "charts": {k: json.dumps(v) for k, v in charts.items()},
        },
    )
