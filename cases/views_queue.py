"""Case lists: "my cases" for every role and the triage queue for officers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases.forms_queue import BulkActionForm, person_label
from cases.queues import assignees_with_workload, case_queue, people_search
from cases.selectors import cases_visible_to
from cases.services.bulk import cases_bulk_apply
from psm.accounts.access import require_officer
from psm.accounts.models import User
from psm.search import sealed_query, search_view


def _render_queue(
    request: HttpRequest, *, triage: bool, form: BulkActionForm | None = None, status: int = 200
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    queue = case_queue(user, request.GET, triage=triage, page_number=request.GET.get("page"))
    query = sealed_query(request.GET)  # links never carry an NIK (psm.search)
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "queue": queue,
        "page": queue.page,
        "filter": queue.filter,
        "triage": triage,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "bulk_form": form,
        "selected": set(form.data.getlist("cases")) if form is not None else set(),  # type: ignore[attr-defined]
    }
    if triage and form is None:
        context["bulk_form"] = BulkActionForm(
            cases=cases_visible_to(user),
            assignees=assignees_with_workload(),
            category_choices=queue.filter.category_choices,
        )
    template = "cases/queue.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template = "cases/queue.html#case-table"
    return render(request, template, context, status=status)


@search_view
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    return _render_queue(request, triage=False)


@search_view
@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    return _render_queue(request, triage=True)


@require_GET
def assignee_search(request: HttpRequest) -> HttpResponse:
    """htmx: <option>s for the assignee fields' <datalist> (what the officer typed so far)."""
    require_officer(request)
    text = request.GET.get("q") or request.GET.get("assignee") or ""
    people = [(user.username, person_label(user)) for user in people_search(text)]
    return render(request, "cases/person_options.html", {"people": people})


@require_POST
def triage_bulk(request: HttpRequest) -> HttpResponse:
    user = require_officer(request)
    form = BulkActionForm(
        request.POST, cases=cases_visible_to(user), assignees=assignees_with_workload()
    )
    if not form.is_valid():
        messages.error(request, _("The action was not applied: check the form below."))
        return _render_queue(request, triage=True, form=form, status=400)
    data = form.cleaned_data
    result = cases_bulk_apply(
        cases=data["cases"].order_by("created_at"),
        action=data["action"],
        actor=user,
        assignee=data.get("assignee"),
        priority=data.get("priority") or "",
        category=data.get("category"),
        reason=data.get("reason") or "",
        duplicate_of=data.get("duplicate_of") or None,
        note=data.get("note") or "",
    )
    if result.done:
        messages.success(
            request,
            ngettext(
                "%(n)d case updated: %(refs)s", "%(n)d cases updated: %(refs)s", len(result.done)
            )
            % {"n": len(result.done), "refs": ", ".join(result.done)},
        )
    for reference, reason in result.skipped:
        messages.warning(
            request, _("%(ref)s skipped: %(reason)s") % {"ref": reference, "reason": reason}
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "cases:triage")
