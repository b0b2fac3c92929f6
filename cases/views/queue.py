"""Case lists: "my cases" for every role and the triage queue for officers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases.forms.queue import BulkActionForm, person_label
from cases.selectors import cases_visible_to
from cases.selectors.queue import assignees_with_workload, case_queue, people_search
from cases.services.bulk import cases_bulk_apply
from psm.accounts.access import require_officer
from psm.accounts.http import AuthenticatedHttpRequest
from psm.accounts.models import User
from psm.search import sealed_query, search_view, unsealed_query


def _back(request: AuthenticatedHttpRequest) -> str:
    """The list page a bulk form was sent from (its `next`), when it is one of ours."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return ""
    return back


def _render_queue(
    request: AuthenticatedHttpRequest,
    *,
    triage: bool,
    form: BulkActionForm | None = None,
    status: int = 200,
    params: QueryDict | None = None,
    back: str = "",
) -> HttpResponse:
    user = request.user
    params = request.GET if params is None else params
    queue = case_queue(user, params, triage=triage, page_number=params.get("page"))
    query = sealed_query(params)  # links never carry an NIK (psm.search)
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    selected: set[str] = set()
    if form is not None:
        # An id is at most 19 digits (bigint): int() of a longer string may raise (4300).
        selected = {
            pk
            for pk in form.data.getlist("cases")  # type: ignore[attr-defined]
            if pk.isascii() and pk.isdigit() and len(pk) <= 19
        }
    context = {
        "queue": queue,
        "page": queue.page,
        "filter": queue.filter,
        "triage": triage,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        # A sort chosen by a column header stays when a filter changes next (the filter form
        # carries it through an input in the swapped table, form="filters").
        "sort_kept": queue.sort if params.get("sort") else "",
        "bulk_form": form,
        "selected": selected,
        "selected_ids": " ".join(sorted(selected, key=int)),
        # The list's own address: a refused bulk action is drawn at /triage/bulk/, whose
        # filters, sort headers and pages must still lead to the list.
        "list_url": reverse("cases:triage" if triage else "cases:list"),
        # Where the bulk form returns to: the list as it was, also after a refused action.
        "back": back or request.get_full_path(),
    }
    if triage and form is None:
        # Drawn, never validated here: the assignee box is filled from cases:assignee_search
        # and triage_bulk validates against assignees_with_workload(), whose annotated
        # queryset cost 0.8 ms to build (and clone) on every page (bench M2).
        context["bulk_form"] = BulkActionForm(
            cases=cases_visible_to(user),
            assignees=User.objects.none(),
            category_choices=queue.filter.category_choices,
        )
    template = "cases/queue.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = "cases/queue.html#case-table"
    return render(request, template, context, status=status)


@search_view
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_queue(request, triage=False)


@search_view
@require_GET
def triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_officer(request)
    return _render_queue(request, triage=True)


@require_GET
def assignee_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: <option>s for the assignee fields' <datalist> (what the officer typed so far)."""
    require_officer(request)
    text = request.GET.get("q") or request.GET.get("assignee") or ""
    people = [(user.username, person_label(user)) for user in people_search(text)]
    return render(request, "cases/person_options.html", {"people": people})


@require_POST
def triage_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = require_officer(request)
    form = BulkActionForm(
        request.POST, cases=cases_visible_to(user), assignees=assignees_with_workload()
    )
    back = _back(request)
    if not form.is_valid():
        messages.error(request, _("The action was not applied: check the form below."))
        # The list the officer was on (filters, page), so the ticks they see are theirs.
        path, _sep, query = back.partition("?")
        # Its links carry a personal search sealed (psm.search): the queue needs it plain.
        params = (
            unsealed_query(QueryDict(query)) if path == reverse("cases:triage") else QueryDict()
        )
        return _render_queue(
            request,
            triage=True,
            form=form,
            status=400,
            params=params,
            back=back or reverse("cases:triage"),
        )
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
    return redirect(back or "cases:triage")
