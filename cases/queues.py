"""The case lists: "my cases" (/cases/) and the triage queue (/triage/).

One filter set and one selector serve both, already scoped to the user through
`cases_visible_to`. Lists never COUNT the whole table: the count stops at COUNT_LIMIT
(shown as "10.000+"), so a page costs the same at 10 thousand or 1 million cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, IntegerField, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Priority
from cases.selectors import cases_visible_to
from cases.services import assignable_users
from psm.accounts.models import User
from psm.crypto import nik_hash
from volunteers.models import Kelurahan
from volunteers.selectors import workload_annotations

PAGE_SIZE = 50
COUNT_LIMIT = 10_000
REFERENCE_RE = re.compile(r"^BJM-\d{4}-\d{1,6}$", re.IGNORECASE)

PRIORITY_RANK = SqlCase(
    When(priority=Priority.EMERGENCY, then=Value(0)),
    When(priority=Priority.HIGH, then=Value(1)),
    When(priority=Priority.NORMAL, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# Sort keys a user may ask for (?sort=key or -key); anything else falls back to the default.
SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "id"),
    "priority": ("priority_rank", "created_at", "id"),
    "due": ("due_at", "id"),
    "reference": ("reference",),
    "status": ("status", "created_at", "id"),
    "kelurahan": ("kelurahan__name", "created_at", "id"),
}
TRIAGE_STATUSES = (Case.Status.NEW, Case.Status.VERIFIED)


def _open() -> Q:
    return Q(status__in=Case.OPEN_STATUSES)


def needs_reassignment_q() -> Q:
    """Open cases whose assignee can no longer work on them (login disabled, or a volunteer
    who is inactive or suspended)."""
    return _open() & (
        Q(assignee__is_active=False)
        | Q(
            assignee__role=User.Role.VOLUNTEER,
            assignee__volunteer__status__in=["inactive", "suspended"],
        )
    )


def overdue_q(now: Any = None) -> Q:
    """Open cases still waiting for Dinsos' first response after their due time."""
    now = now or timezone.now()
    return _open() & Q(first_response_at__isnull=True, due_at__lt=now)


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(
        choices=Case.Status.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    # Area and category choices are plain choices filled from one query each (see
    # __init__), so the page's query count stays low and constant.
    category = django_filters.ChoiceFilter(
        field_name="category_id", label=_("Category"), empty_label=_("All categories")
    )
    kecamatan = django_filters.ChoiceFilter(
        field_name="kelurahan__kecamatan_id", label=_("Kecamatan"), empty_label=_("All kecamatan")
    )
    kelurahan = django_filters.ChoiceFilter(
        field_name="kelurahan_id", label=_("Kelurahan"), empty_label=_("All kelurahan")
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=_("All priorities")
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(),  # set per request: people who can hold cases
        label=_("Assigned to"),
        empty_label=_("Anyone"),
    )
    unassigned = django_filters.BooleanFilter(
        method="filter_unassigned", label=_("Unassigned only"), widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue only"), widget=forms.CheckboxInput
    )
    reassign = django_filters.BooleanFilter(
        method="filter_reassign", label=_("Needs reassignment"), widget=forms.CheckboxInput
    )
    created_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Filed from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Filed until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        assignee = self.filters["assignee"]
        assignee.queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(role__in=[User.Role.STAFF, User.Role.SUPERVISOR]) | Q(volunteer__isnull=False)
        ).order_by("full_name", "username")
        kelurahan = list(Kelurahan.objects.select_related("kecamatan").order_by("name"))
        kecamatan = sorted({k.kecamatan for k in kelurahan}, key=lambda k: k.name)
        self.filters["kelurahan"].extra["choices"] = [(str(k.pk), k.name) for k in kelurahan]
        self.filters["kecamatan"].extra["choices"] = [(str(k.pk), k.name) for k in kecamatan]
        categories = list(Category.objects.values_list("pk", "name", "is_active"))
        self.filters["category"].extra["choices"] = [(str(pk), n) for pk, n, _a in categories]
        # Active ones only, for forms that set a category (the triage bulk form).
        self.category_choices = [(str(pk), n) for pk, n, active in categories if active]
        if not user.is_officer:
            # Volunteers filter by what matters on their own list.
            for name in ("assignee", "unassigned", "reassign", "kecamatan"):
                self.filters.pop(name, None)

    def search(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = " ".join(value.split())[:100]
        if not value:
            return qs
        if REFERENCE_RE.match(value):
            return qs.filter(reference__iexact=value.upper())
        if value.upper().startswith("BJM-"):
            return qs.filter(reference__istartswith=value)
        if value.isdigit() and len(value) == 16:
            return qs.filter(beneficiary__nik_hash=nik_hash(value))
        return qs.filter(beneficiary__name__icontains=value)

    # Checkboxes: unticked means "no filter", not "the opposite".
    def filter_unassigned(self, qs: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return qs.filter(assignee__isnull=True) if value else qs

    def filter_overdue(self, qs: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return qs.filter(overdue_q()) if value else qs

    def filter_reassign(self, qs: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return qs.filter(needs_reassignment_q()) if value else qs


class BoundedPaginator(Paginator):
    """Counts at most COUNT_LIMIT rows (a LIMITed subquery), never the whole table."""

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self.object_list[: COUNT_LIMIT + 1].count()  # type: ignore[union-attr,attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT


@dataclass
class CaseQueue:
    filter: CaseFilter
    page: Page[Case]
    paginator: BoundedPaginator
    sort: str
    triage: bool


def case_queue(user: User, params: Any, *, triage: bool, page_number: Any = 1) -> CaseQueue:
    """The list page's rows for this user: filtered, sorted, one page, in constant queries."""
    case_filter, qs, sort = filtered_cases(user, params, triage=triage)
    qs = qs.select_related(
        "beneficiary", "category", "kelurahan__kecamatan", "assignee__volunteer", "reported_by"
    )
    paginator = BoundedPaginator(qs, PAGE_SIZE)
    page = paginator.get_page(page_number)
    return CaseQueue(case_filter, page, paginator, sort, triage)


def filtered_cases(
    user: User, params: Any, *, triage: bool
) -> tuple[CaseFilter, QuerySet[Case], str]:
    """The filter, every matching case in list order, and the sort applied: one definition
    for the list pages and the case-list exports, so an export holds the rows of the list."""
    params = params.copy()
    if triage and not any(params.get(k) for k in ("status", "reassign", "q")):
        # The queue's default: what waits for triage, plus cases whose assignee has left.
        base = cases_visible_to(user).filter(Q(status__in=TRIAGE_STATUSES) | needs_reassignment_q())
    else:
        base = cases_visible_to(user)
    base = base.annotate(
        priority_rank=PRIORITY_RANK,
        needs_reassignment=SqlCase(
            When(needs_reassignment_q(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if user.is_volunteer:
        base = base.annotate(
            mine=SqlCase(
                When(Q(assignee=user) | Q(reported_by=user), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    case_filter = CaseFilter(params, queryset=base, user=user)
    qs = case_filter.qs if case_filter.is_valid() else base.none()

    default_sort = "priority" if triage else "-created"
    sort = params.get("sort") or default_sort
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = default_sort, default_sort.lstrip("-")
    order = [f"-{f}" if sort.startswith("-") else f for f in SORTS[key]]
    if user.is_volunteer and "sort" not in params:
        order = ["mine", *order]  # volunteers see their own cases first
    return case_filter, qs.order_by(*order), sort


def assignees_with_workload() -> QuerySet[User]:
    """Who can take a case, with their open and overdue case counts (the same numbers as the
    volunteer roster: volunteers.selectors.workload_annotations), least loaded first per kind."""
    return (
        assignable_users()
        .filter(Q(role__in=[User.Role.STAFF, User.Role.SUPERVISOR]) | Q(volunteer__isnull=False))
        .select_related("volunteer__kelurahan")
        .annotate(**workload_annotations(detail=False))
        .order_by("role", "open_cases", "full_name")
    )
