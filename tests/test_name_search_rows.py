"""A name search lists its cases through EnumeratedRows (cases/selectors/queue.py): one
statement reads every match's id in list order, the count is their number and each page a
slice. These pin that the page, its order and its count are exactly the ORM's for the same
filter (filtered_cases, which the exports use), for every sort, both directions, staff and
volunteers (their own cases first), on every page; and that it is one statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.lookups import IdArray
from cases.models import Case
from cases.selectors import queue as queues
from cases.selectors.queue import SORTS, case_queue, filtered_cases
from tests.cases_support import beneficiary, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitis(relawan_alalak, relawan_kuin, petugas):
    """Nine cases of five people called Siti (and two of others), with distinct filing
    times, mixed priorities, statuses, due times and kelurahan."""
    people = [
        beneficiary(name="Siti Aminah"),
        beneficiary(name="SITI Nurhaliza", kel="Kuin Cerucuk"),
        beneficiary(name="Nur Siti Rahma"),
        beneficiary(name="Siti Zubaidah", kel="Kuin Cerucuk"),
        beneficiary(name="Siti Khadijah"),
    ]
    others = [beneficiary(name="Budi Santoso"), beneficiary(name="Ahmad Fauzi")]
    cases = []
    start = timezone.now() - dt.timedelta(days=30)
    plan = [
        (0, relawan_alalak, "Alalak Utara", "normal"),
        (1, relawan_kuin, "Kuin Cerucuk", "high"),
        (2, relawan_alalak, "Alalak Utara", "emergency"),
        (0, relawan_kuin, "Kuin Cerucuk", "normal"),
        (3, relawan_kuin, "Kuin Cerucuk", "low"),
        (4, relawan_alalak, "Alalak Utara", "high"),
        (1, relawan_alalak, "Alalak Utara", "normal"),
        (2, relawan_kuin, "Kuin Cerucuk", "emergency"),
        (4, relawan_kuin, "Kuin Cerucuk", "normal"),
    ]
    for n, (who, reporter, kel, priority) in enumerate(plan):
        case = file_case(reporter, kel=kel, beneficiary=people[who])
        due = None if n % 3 == 0 else start + dt.timedelta(days=(n * 7) % 5)
        Case.objects.filter(pk=case.pk).update(
            created_at=start + dt.timedelta(hours=n * 5 % 11, minutes=n),
            priority=priority,
            due_at=due,
            status=["new", "verified", "assigned", "in_progress"][n % 4],
            assignee=petugas if n % 4 >= 2 else None,
        )
        cases.append(case)
    for person in others:
        file_case(relawan_alalak, beneficiary=person)
    return cases


def _listed(user, query: str, page: int = 1) -> tuple[list[int], int]:
    queue = case_queue(user, QueryDict(query), triage=False, page_number=page)
    return [c.pk for c in queue.page.object_list], queue.paginator.count


def _orm(user, query: str) -> list[int]:
    _filter, qs, _sort = filtered_cases(user, QueryDict(query), triage=False)
    return list(qs.values_list("pk", flat=True))


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_every_sort_lists_what_the_orm_lists(kabid, relawan_alalak, sitis, sort):
    for user in (kabid, relawan_alalak):
        for query in (f"q=siti&sort={sort}", "q=siti"):
            expected = _orm(user, query)
            assert expected, "the fixture has cases of people called Siti"
            ids, count = _listed(user, query)
            assert ids == expected
            assert count == len(expected)


def test_a_volunteer_sees_their_own_cases_first_as_without_a_search(relawan_kuin, sitis):
    ids, count = _listed(relawan_kuin, "q=siti")
    assert ids == _orm(relawan_kuin, "q=siti")
    mine = {c.pk for c in sitis if c.reported_by_id == relawan_kuin.pk}
    assert set(ids[: len(mine)]) == mine  # theirs first, as the list does without a search


def test_every_page_is_the_orm_slice(kabid, sitis, monkeypatch):
    monkeypatch.setattr(queues, "PAGE_SIZE", 4)
    expected = _orm(kabid, "q=siti&sort=-due")
    assert len(expected) == 9
    pages = [_listed(kabid, "q=siti&sort=-due", page)[0] for page in (1, 2, 3)]
    assert pages == [expected[0:4], expected[4:8], expected[8:9]]
    assert _listed(kabid, "q=siti&sort=-due", 99)[0] == expected[8:9]  # past the end: last


def test_other_filters_apply_with_the_search(kabid, sitis):
    query = "q=siti&status=new&status=assigned&priority=normal"
    expected = _orm(kabid, query)
    assert expected == [
        c.pk
        for c in Case.objects.filter(
            pk__in=[c.pk for c in sitis], status__in=["new", "assigned"], priority="normal"
        ).order_by("-created_at", "-id")
    ]
    assert _listed(kabid, query) == (expected, len(expected))


def test_the_count_and_the_page_are_one_statement(kabid, sitis):
    with CaptureQueriesContext(connection) as queries:
        queue = case_queue(kabid, QueryDict("q=siti"), triage=False)
        list(queue.page.object_list)
        assert queue.paginator.count == 9
    of_cases = [q["sql"] for q in queries.captured_queries if '"cases_case"' in q["sql"]]
    # The enumeration (count and page ids), then the page's rows; no COUNT(*) of its own.
    assert len(of_cases) == 2, of_cases
    assert of_cases[0].startswith("WITH m AS MATERIALIZED")


def test_nobody_of_that_name_is_an_empty_list(kabid, sitis):
    assert _listed(kabid, "q=zzqx") == ([], 0)


def test_id_arrays_hold_whole_numbers_only(sitis):
    with pytest.raises(ValueError):
        IdArray(["1", "2); DROP TABLE cases_case; --"])  # type: ignore[list-item]
    person = sitis[0].beneficiary_id
    ids: list = [person, "0"]  # an id read back as text is still a whole number
    found = Case.objects.filter(beneficiary__any_of=IdArray(ids))
    assert set(found.values_list("pk", flat=True)) == {
        c.pk for c in sitis if c.beneficiary_id == person
    }
    with CaptureQueriesContext(connection) as queries:
        assert list(Case.objects.filter(beneficiary__any_of=IdArray([]))) == []
    assert queries.captured_queries == []  # as __in=[]: nothing can match, nothing is asked
