"""The supervisors' dashboard (/dashboard/)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from psm.accounts.access import require_officer
from psm.accounts.http import AuthenticatedHttpRequest
from reports.dashboard import dashboard_numbers
from reports.forms.dashboard import DashboardForm


def _long_tables(board: Any) -> dict[str, SafeString]:
    """The <tbody>s of the three long tables (by category, by kelurahan, per week: ~130 rows)
    drawn in Python: through the template engine they were a third of the page's time at
    100k cases (bench M1)."""
    sep = str(formats.get_format("THOUSAND_SEPARATOR"))

    def n(value: int) -> str:
        return f"{value:,}".replace(",", sep)

    if board.by_category:
        category = format_html_join(
            "",
            '<tr><td>{}</td><td class="text-end">{}</td></tr>',
            ((name, n(count)) for name, count in board.by_category),
        )
    else:
        category = format_html('<tr><td colspan="2">{}</td></tr>', _("No cases in this period."))
    kelurahan = format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td class="text-end" data-kelurahan="{}">{}</td></tr>',
        ((r.name, r.kecamatan, r.name, n(r.count)) for r in board.by_kelurahan),
    )
    months = {m: str(MONTHS_3[m]).title() for m in MONTHS_3}
    trend = format_html_join(
        "",
        '<tr><td>{}</td><td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        (
            (f"{week.day:02d} {months[week.month]} {week.year}", filed, closed)
            for week, filed, closed in board.trend
        ),
    )
    return {"category_rows": category, "kelurahan_rows": kelurahan, "trend_rows": trend}


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_officer(request)
    form = DashboardForm(request.GET or None)
    board = dashboard_numbers(form.to_filter())
    form.fields["kecamatan"].widget.choices = [("", _("All kecamatan")), *board.kecamatan_choices]
    form.fields["category"].widget.choices = [("", _("All categories")), *board.category_choices]
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
    return render(
        request,
        "reports/dashboard.html",
        {
            **_long_tables(board),
            "form": form,
            "board": board,
            "status_rows": board.status_rows(),
            "sla_rows": board.sla_rows(),
            "charts": {k: json.dumps(v) for k, v in charts.items()},
        },
    )
