"""The case lists: "my cases" (/cases/) and the triage queue (/triage/).

One filter set and one selector serve both, already scoped to the user through
`cases_visible_to`. Lists never COUNT the whole table: the count stops at COUNT_LIMIT
(shown as "10.000+"), so a page costs the same at 10 thousand or 1 million cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.display import ROW_VALUES, CaseRow, RowNames
from cases.forms.queue import PersonField
from cases.lookups import IdArray
from cases.models import (
    ASSIGNED_STATUSES,
    PRIORITY_RANK,
    Beneficiary,
    Case,
    CaseQuerySet,
    Priority,
    awaiting_triage_q,
    needs_reassignment_q,
)
from cases.selectors import cases_visible_to
from cases.selectors.caseload import workload_annotations
from cases.selectors.categories import categories as categories_list
from cases.services import assignable_users, departed_users
from cases.services.reference import reference_normal, reference_prefix, reference_re
from psm.accounts.models import User
from psm.cachedlists import Choices
from psm.crypto import nik_hash
from psm.nik import typed_nik
from volunteers.selectors import areas as areas_list

PAGE_SIZE = 50
COUNT_LIMIT = 10_000
# A name search first collects the matching people through the trigram index on UPPER(name)
# (migration 0018), then their cases by beneficiary_id. Walking the cases by date instead and
# testing each person's name (the planner's choice for a join) read 364,000 cases to show 50
# for "Siti" at 1M (6.3 s; 1,462 of 600,000 people match). Past this many matching people the
# name is common enough that the walk by date finds a page quickly, so the join is kept.
NAME_SEARCH_PEOPLE_LIMIT = 5_000

# Sort keys a user may ask for (?sort=key or -key); anything else falls back to the default.
SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "id"),
    "priority": ("priority_rank", "created_at", "id"),
    "due": ("due_at", "id"),
    "reference": ("reference",),
    "status": ("status", "created_at", "id"),
    "kelurahan": ("kelurahan__name", "created_at", "id"),
}


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(
        choices=Choices(Case.Status.choices),
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    # Area and category choices come from the cached reference lists (see __init__).
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
        choices=Choices(Priority.choices), label=_("Priority"), empty_label=_("All priorities")
    )
    assignee = PersonFilter(
        queryset=User.objects.none(),  # set per request: people who can hold cases
        label=_("Assigned to"),
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
        self.few_people = False  # set by a name search that found at most the limit's people
        assignee = self.filters["assignee"]
        assignee.queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(role__in=[User.Role.STAFF, User.Role.SUPERVISOR]) | Q(volunteer__isnull=False)
        ).order_by("full_name", "username")
        # The reference lists, read once per process (psm.cachedlists), their choices
        # normalised once: Django re-normalised plain lists on every iteration.
        areas, categories = areas_list(), categories_list()
        self.filters["kelurahan"].extra["choices"] = areas.kelurahan_choices
        self.filters["kecamatan"].extra["choices"] = areas.kecamatan_choices
        self.filters["category"].extra["choices"] = categories.choices
        self.names = RowNames(categories=categories.names, kelurahan=areas.kelurahan_names)
        # Active ones only, for forms that set a category (the triage bulk form).
        self.category_choices = categories.active_choices
        if not user.is_officer:
            # Volunteers filter by what matters on their own list.
            for name in ("assignee", "unassigned", "reassign", "kecamatan"):
                self.filters.pop(name, None)

    def search(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = " ".join(value.split())[:100]
        if not value:
            return qs
        # References are stored upper-case: = and LIKE 'X%' use the unique index and its
        # varchar_pattern_ops twin, where iexact/istartswith (UPPER(reference)) read every row.
        if reference_re().match(value):
            return qs.filter(reference=reference_normal(value))
        if value.upper().startswith(f"{reference_prefix()}-"):
            return qs.filter(reference__startswith=value.upper())
        if nik := typed_nik(value):
            return qs.filter(beneficiary__nik_hash=nik_hash(nik))
        people = list(
            Beneficiary.objects.filter(name__icontains=value)
            .order_by()  # any order (people sort by name: 0.7 ms for 1,462 at 1M)
            .values_list("pk", flat=True)[: NAME_SEARCH_PEOPLE_LIMIT + 1]
        )
        if len(people) <= NAME_SEARCH_PEOPLE_LIMIT:
            self.few_people = True  # the list reads these people's cases (EnumeratedRows)
            return qs.filter(beneficiary__any_of=IdArray(people))
        return qs.filter(beneficiary__name__icontains=value)

    # Checkboxes: unticked means "no filter", not "the opposite".
    def filter_unassigned(self, qs: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return qs.filter(assignee__isnull=True) if value else qs

    def filter_overdue(self, qs: CaseQuerySet, name: str, value: bool) -> CaseQuerySet:
        return qs.overdue() if value else qs

    def filter_reassign(self, qs: CaseQuerySet, name: str, value: bool) -> CaseQuerySet:
        return qs.needs_reassignment() if value else qs


class BoundedPaginator(Paginator):
    """Counts at most COUNT_LIMIT rows (a LIMITed subquery), never the whole table.
    Unordered: the count needs no sort (at 1M cases sorting 17k in-progress cases to count
    them cost more than the page itself)."""

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self.object_list.bounded_count(COUNT_LIMIT + 1)  # type: ignore[no-any-return,attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT


class MergedRows:
    """The rows of one queryset, or of several disjoint ones in one order (a UNION ALL of
    branches that are each ordered and cut at the page's end), read as the page's ids first,
    then those rows with what the list shows (a short join that plans fast).

    The triage queue's default ("waiting for triage" OR "assignee has left") as one query
    cannot use an index for its order: at 1M cases PostgreSQL sorted every open case for each
    page. Each branch alone walks an index in order (case_triage_order_idx for the first), so
    a page reads about page-end rows per branch. Three queries: a bounded count, the page's
    ids, the page's rows with their relations.
    """

    def __init__(self, parts: list[QuerySet[Case]], order: list[str], rows: QuerySet[Case]):
        self.parts = parts
        self.order = order
        self.rows = rows
        self.keys = [f.lstrip("-") for f in order]

    def bounded_count(self, limit: int) -> int:
        first, *rest = (p.order_by().values("pk")[:limit] for p in self.parts)
        return first.union(*rest, all=True).count() if rest else first.count()

    def __len__(self) -> int:  # pragma: no cover - the paginator calls bounded_count
        return self.bounded_count(COUNT_LIMIT + 1)

    def __getitem__(self, index: slice) -> list[CaseRow]:
        start, stop = index.start or 0, index.stop
        if stop <= start:
            return []
        ids = self._page_ids(start, stop)
        found = {row[0]: row for row in self.rows.filter(pk__in=ids).values_list(*ROW_VALUES)}
        return [CaseRow.of(found[pk]) for pk in ids if pk in found]

    def _page_ids(self, start: int, stop: int) -> list[int]:
        if len(self.parts) == 1:
            ids = list(self.parts[0].order_by(*self.order).values_list("pk", flat=True)[start:stop])
        else:
            branches = [p.order_by(*self.order).values_list(*self.keys)[:stop] for p in self.parts]
            first, *rest = branches
            merged = first.union(*rest, all=True)
            ids = [row[self.keys.index("id")] for row in merged.order_by(*self.order)[start:stop]]
        return ids


class EnumeratedRows(MergedRows):
    """The rows of a filter that names a few people (a name search: the cases of at most
    NAME_SEARCH_PEOPLE_LIMIT people), read as every match's id in list order, once: the
    count is their number and the page a slice of them. One query instead of a count and a
    page, and one plan whatever the statistics say.

    Left to choose, PostgreSQL walked the cases by date and tested each against the people
    (it expects 50 matches early): 19,538 cases read for the 50 newest of "Siti"'s 2,454 at
    1M (8 ms), and 880 ms with two parallel workers once a fresh ANALYZE moved its estimate.
    The MATERIALIZED CTE reads the people's cases through the beneficiary index first (7 ms
    for 2,454 at 1M, 0.3 ms for 25 at 10k), then sorts that small set.

    Written here, not with django-cte (PyPI, well kept): it is one statement around the ORM's
    own compiled SQL (its values stay parameters) and reads one column back; a dependency for
    six lines was not worth it. If a second CTE is needed, take the library."""

    @cached_property
    def ids(self) -> list[int]:
        part = self.parts[0].order_by()
        columns = {"row_id": F("pk")} | {f"k{n}": F(key) for n, key in enumerate(self.keys)}
        try:
            sql, params = part.values(**columns).query.sql_with_params()
        except EmptyResultSet:  # nobody of that name: Django sends no query either
            return []
        order = ", ".join(
            f"k{n} DESC" if field.startswith("-") else f"k{n}" for n, field in enumerate(self.order)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS MATERIALIZED ({sql}) SELECT row_id FROM m ORDER BY {order} LIMIT %s",  # noqa: S608  # nosec B608 - the ORM's own SQL, its values as parameters
                [*params, COUNT_LIMIT + 1],
            )
            return [row_id for (row_id,) in cursor.fetchall()]

    def bounded_count(self, limit: int) -> int:
        return min(len(self.ids), limit)

    def _page_ids(self, start: int, stop: int) -> list[int]:
        return self.ids[start:stop]


@dataclass
class CaseQueue:
    filter: CaseFilter
    page: Page[CaseRow]
    paginator: BoundedPaginator
    sort: str
    triage: bool


def _annotated(qs: CaseQuerySet, user: User) -> CaseQuerySet:
    qs = qs.annotate(priority_rank=PRIORITY_RANK)
    if user.is_volunteer:
        qs = qs.annotate(
            mine=SqlCase(
                When(Q(assignee=user) | Q(reported_by=user), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    return qs


RELATED = ("beneficiary", "category", "kelurahan__kecamatan", "assignee__volunteer", "reported_by")
# What a list row shows (cases.display.CaseRow, drawn by psm.ui.rows): category and kelurahan
# names come from the filter's choice lists, so the page's row query joins 4 tables, not 9.
# With 9 PostgreSQL spent 40 ms planning it for 2 ms of execution (bench M2, 100k cases).


def _row_query(visible: QuerySet[Case]) -> QuerySet[Case]:
    return visible.order_by()  # the page's own order is kept by its ids


@dataclass
class _Filtered:
    case_filter: CaseFilter
    base: QuerySet[Case]
    sort: str
    order: list[str]
    visible: CaseQuerySet
    triage_default: bool
    valid: bool

    @cached_property
    def qs(self) -> QuerySet[Case]:
        """Every matching case in list order (built on use: the triage queue's default page
        reads two branches instead, see case_queue)."""
        qs = self.case_filter.qs if self.valid else self.base.none()
        return qs.select_related(*RELATED).order_by(*self.order)


def _filtered(user: User, params: Any, *, triage: bool) -> _Filtered:
    params = params.copy()
    visible = cases_visible_to(user)
    triage_default = triage and not any(params.get(k) for k in ("status", "reassign", "q"))
    if triage_default:
        # The queue's default: what waits for triage, plus cases whose assignee has left.
        base = visible.filter(awaiting_triage_q() | needs_reassignment_q())
    else:
        base = visible
    base = _annotated(base, user)
    case_filter = CaseFilter(params, queryset=base, user=user)
    valid = case_filter.is_valid()

    default_sort = "priority" if triage else "-created"
    sort = params.get("sort") or default_sort
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = default_sort, default_sort.lstrip("-")
    order = [f"-{f}" if sort.startswith("-") else f for f in SORTS[key]]
    if user.is_volunteer and "sort" not in params:
        order = ["mine", *order]  # volunteers see their own cases first
    return _Filtered(case_filter, base, sort, order, visible, triage_default, valid)


def filtered_cases(
    user: User, params: Any, *, triage: bool
) -> tuple[CaseFilter, QuerySet[Case], str]:
    """The filter, every matching case in list order, and the sort applied: one definition
    for the list pages and the case-list exports, so an export holds the rows of the list."""
    found = _filtered(user, params, triage=triage)
    return found.case_filter, found.qs, found.sort


def case_queue(user: User, params: Any, *, triage: bool, page_number: Any = 1) -> CaseQueue:
    """The list page's rows for this user: filtered, sorted, one page, in constant queries."""
    found = _filtered(user, params, triage=triage)
    case_filter, visible, order = found.case_filter, found.visible, found.order
    if found.triage_default and found.valid and found.sort == "priority":
        # Same rows, same order, from two index-ordered branches (see MergedRows).
        waiting = _annotated(visible.awaiting_triage(), user)
        # needs_reassignment() for the open statuses past triage (the triage ones are the
        # first branch), written as "assignee among the people who left" (departed_users:
        # the same departed_q) so PostgreSQL walks case_open_assignee_idx per such person.
        departed = departed_users().values("pk")
        left = _annotated(
            visible.filter(status__in=ASSIGNED_STATUSES, assignee__any_of=departed),
            user,
        )
        rows = MergedRows(
            [case_filter.filter_queryset(waiting), case_filter.filter_queryset(left)],
            order,
            _row_query(visible),
        )
    else:
        qs = found.qs  # runs the filters: a name search tells whether it found few people
        kind = EnumeratedRows if case_filter.few_people else MergedRows
        rows = kind([qs], order, _row_query(visible))
    paginator = BoundedPaginator(rows, PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(page_number)
    return CaseQueue(case_filter, page, paginator, found.sort, triage)


def assignees_with_workload() -> QuerySet[User]:
    """Who can take a case, with their open and overdue case counts (the same numbers as the
    volunteer roster: cases.selectors.caseload.workload_annotations), least loaded first per
    kind."""
    return (
        assignable_users()
        .filter(Q(role__in=[User.Role.STAFF, User.Role.SUPERVISOR]) | Q(volunteer__isnull=False))
        .select_related("volunteer__kelurahan")
        .annotate(**workload_annotations(detail=False))
        .order_by("role", "open_cases", "full_name")
    )


def people_search(text: str, *, limit: int = 20) -> QuerySet[User]:
    """Suggestions for the assignee fields: who can take a case, matching the typed name or
    username, least loaded first."""
    text = " ".join(text.replace("\x00", "").split())[:100]
    qs = assignees_with_workload()
    if text:
        qs = qs.filter(Q(full_name__icontains=text) | Q(username__istartswith=text))
    return qs[:limit]
