"""People (beneficiaries): merging two records of one person (officers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases import services
from cases.forms import (
    MergeForm,
)
from cases.models import Beneficiary
from psm.accesslog.models import AccessEntry
from psm.accesslog.services import access_record_many
from psm.accounts.access import require_officer
from psm.accounts.http import AuthenticatedHttpRequest

# --- Beneficiary merge (officers) --------------------------------------------------------


def beneficiary_merge(request: AuthenticatedHttpRequest, pk: int, other_pk: int) -> HttpResponse:
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
        {"form": form, "pair": pair, "counts": counts},
        status=400 if request.method == "POST" else 200,
    )
