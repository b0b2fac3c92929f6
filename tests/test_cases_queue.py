"""The triage queue (/triage/) and the case lists (/cases/)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Category
from cases.services import case_assign, case_transition
from psm.accounts.models import User
from tests.cases_support import beneficiary, file_case, kelurahan

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    return [c.reference for c in response.context["page"].object_list]


def test_volunteer_list_shows_own_kelurahan_and_own_cases_first(
    login, relawan_alalak, relawan_kuin, petugas
):
    mine = file_case(relawan_alalak)
    neighbour = file_case(petugas, kel="Alalak Utara")
    elsewhere = file_case(relawan_kuin)
    response = login(relawan_alalak).get(reverse("cases:list"))
    assert response.status_code == 200
    listed = refs(response)
    assert listed[0] == mine.reference  # own first, though filed earlier
    assert neighbour.reference in listed
    assert elsewhere.reference not in listed


def test_volunteer_cannot_open_triage_or_post_bulk_actions(login, relawan_alalak, petugas):
    case = file_case(relawan_alalak)
    client = login(relawan_alalak)
    assert client.get(reverse("cases:triage")).status_code == 403
    response = client.post(reverse("cases:triage_bulk"), {"cases": [case.pk], "action": "verify"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_triage_queue_lists_waiting_cases_most_urgent_then_oldest(login, petugas, relawan_alalak):
    now = timezone.now()
    old_normal = file_case(relawan_alalak, created_at=now - dt.timedelta(days=3))
    new_emergency = file_case(relawan_alalak, priority="emergency")
    old_high = file_case(relawan_alalak, priority="high", created_at=now - dt.timedelta(days=1))
    newer_normal = file_case(relawan_alalak)
    handled = file_case(relawan_alalak)
    case_assign(case=handled, assignee=relawan_alalak, actor=petugas)
    response = login(petugas).get(reverse("cases:triage"))
    assert refs(response) == [
        new_emergency.reference,
        old_high.reference,
        old_normal.reference,
        newer_normal.reference,
    ]


def test_cases_of_a_deactivated_assignee_show_as_needing_reassignment(
    login, petugas, relawan_alalak
):
    case = file_case(relawan_alalak)
    case_assign(case=case, assignee=relawan_alalak, actor=petugas)
    User.objects.filter(pk=relawan_alalak.pk).update(is_active=False)
    response = login(petugas).get(reverse("cases:triage"))
    assert refs(response) == [case.reference]
    assert "Perlu dialihkan" in response.content.decode()
    response = login(petugas).get(reverse("cases:triage"), {"reassign": "on"})
    assert refs(response) == [case.reference]


@pytest.fixture
def spread(relawan_alalak, relawan_kuin, petugas):
    """Cases across kelurahan, categories, priorities and states."""
    now = timezone.now()
    lansia = Category.objects.get(code="PPKS-08")
    rtlh = Category.objects.get(code="RTLH")
    person = beneficiary(kel="Alalak Utara", name="Siti Aminah Rahmawati")
    cases = {
        "a": file_case(
            relawan_alalak,
            category=lansia,
            beneficiary=person,
            created_at=now - dt.timedelta(days=10),
        ),
        "b": file_case(relawan_alalak, category=rtlh, priority="high"),
        "c": file_case(
            relawan_kuin,
            category=lansia,
            priority="emergency",
            created_at=now - dt.timedelta(hours=2),
        ),
        "d": file_case(relawan_kuin, category=rtlh),
    }
    case_assign(case=cases["d"], assignee=relawan_kuin, actor=petugas)
    return cases


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "assigned"}, {"d"}),
        ({"status": ["new", "assigned"]}, {"a", "b", "c", "d"}),
        ({"category": "CAT:PPKS-08"}, {"a", "c"}),
        ({"kecamatan": "KEC:Banjarmasin Barat"}, {"c", "d"}),
        ({"kelurahan": "KEL:Alalak Utara"}, {"a", "b"}),
        ({"priority": "emergency"}, {"c"}),
        ({"assignee": "USER:relawan_kuin"}, {"d"}),
        ({"unassigned": "on"}, {"a", "b", "c"}),
        ({"overdue": "on"}, {"a", "c"}),
        ({"q": "aminah rahma"}, {"a"}),
        ({"q": "NIK:a"}, {"a"}),
        ({"q": "REF:b"}, {"b"}),
        ({"created_from": "DAYS_AGO:1"}, {"b", "c", "d"}),
        ({"created_to": "DAYS_AGO:5"}, {"a"}),
    ],
)
def test_case_list_filters(login, kabid, spread, params, expected):
    resolved = {}
    for key, value in params.items():
        if isinstance(value, list):
            resolved[key] = value
            continue
        kind, _, arg = value.partition(":")
        if kind == "CAT":
            value = Category.objects.get(code=arg).pk
        elif kind == "KEC":
            value = kelurahan("Kuin Cerucuk").kecamatan_id
        elif kind == "KEL":
            value = kelurahan(arg).pk
        elif kind == "USER":
            value = User.objects.get(username=arg).pk
        elif kind == "NIK":
            value = spread[arg].beneficiary.nik
        elif kind == "REF":
            value = spread[arg].reference
        elif kind == "DAYS_AGO":
            value = (timezone.localdate() - dt.timedelta(days=int(arg))).isoformat()
        resolved[key] = value
    # An NIK in the URL is redirected to a sealed search (issue 14, item 2): follow it.
    response = login(kabid).get(reverse("cases:list"), resolved, follow=True)
    assert response.status_code == 200
    assert set(refs(response)) == {spread[k].reference for k in expected}


def test_sorting_by_reference_both_ways(login, kabid, spread):
    client = login(kabid)
    up = refs(client.get(reverse("cases:list"), {"sort": "reference"}))
    down = refs(client.get(reverse("cases:list"), {"sort": "-reference"}))
    assert up == sorted(up) and down == list(reversed(up))
    # an unknown sort key falls back to the default instead of failing
    assert client.get(reverse("cases:list"), {"sort": "nik;drop"}).status_code == 200


def test_bad_filter_values_give_an_empty_list_not_an_error(login, kabid, spread):
    for params in (
        {"category": "999999"},
        {"created_from": "31-31-2026"},
        {"status": "bogus"},
        {"kelurahan": "x' OR 1=1 --"},
    ):
        response = login(kabid).get(reverse("cases:list"), params)
        assert response.status_code == 200
        assert refs(response) == [], params
    # A page number that is no number is the first page (not an empty one).
    everything = refs(login(kabid).get(reverse("cases:list")))
    assert len(everything) == len(spread) > 0
    assert refs(login(kabid).get(reverse("cases:list"), {"page": "abc"})) == everything


def test_fifty_per_page_and_the_count_is_bounded(login, kabid, relawan_alalak, monkeypatch):
    for _ in range(55):
        file_case(relawan_alalak)
    client = login(kabid)
    first = client.get(reverse("cases:list"))
    assert len(refs(first)) == 50
    second = client.get(reverse("cases:list"), {"page": 2})
    assert len(refs(second)) == 5
    assert not set(refs(first)) & set(refs(second))
    monkeypatch.setattr("cases.selectors.queue.COUNT_LIMIT", 20)
    capped = client.get(reverse("cases:list"))
    assert capped.context["queue"].paginator.capped
    assert "Lebih dari" in capped.content.decode()


def test_htmx_request_gets_only_the_table_fragment(login, kabid, spread):
    response = login(kabid).get(reverse("cases:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="case-table">')
    assert "<nav" not in html.split('<div id="case-table">')[0]
    assert len(html) < len(login(kabid).get(reverse("cases:list")).content.decode()) / 2


def test_bulk_assign_many_cases_at_once(login, petugas, relawan_alalak):
    cases = [file_case(relawan_alalak) for _ in range(3)]
    response = login(petugas).post(
        reverse("cases:triage_bulk"),
        {
            "cases": [c.pk for c in cases],
            "action": "assign",
            "assignee": relawan_alalak.pk,
            "note": "Mohon dikunjungi minggu ini",
        },
    )
    assert response.status_code == 302
    for case in cases:
        case.refresh_from_db()
        assert case.status == Case.Status.ASSIGNED and case.assignee == relawan_alalak
        event = case.events.get(kind=CaseEvent.Kind.ASSIGNMENT)
        assert event.actor == petugas and event.note == "Mohon dikunjungi minggu ini"


def test_bulk_action_reports_cases_it_had_to_skip(login, petugas, relawan_alalak):
    fresh = file_case(relawan_alalak)
    rejected = file_case(relawan_alalak)
    case_transition(
        case=rejected,
        to_status=Case.Status.REJECTED,
        actor=petugas,
        reason="Bukan warga Banjarmasin",
    )
    client = login(petugas)
    response = client.post(
        reverse("cases:triage_bulk"),
        {"cases": [fresh.pk, rejected.pk], "action": "verify"},
        follow=True,
    )
    html = response.content.decode()
    assert fresh.reference in html and rejected.reference in html
    fresh.refresh_from_db()
    rejected.refresh_from_db()
    assert fresh.status == Case.Status.VERIFIED
    assert rejected.status == Case.Status.REJECTED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"action": "assign"}, "assignee"),
        ({"action": "reject"}, "reason"),
        ({"action": "priority"}, "priority"),
        ({"action": "duplicate", "duplicate_of": "BJM-1999-000001"}, "duplicate_of"),
        ({"action": "explode"}, "action"),
    ],
)
def test_invalid_bulk_action_changes_nothing_and_keeps_the_selection(
    login, petugas, relawan_alalak, payload, field
):
    case = file_case(relawan_alalak)
    before = CaseEvent.objects.count()
    response = login(petugas).post(reverse("cases:triage_bulk"), {"cases": [case.pk], **payload})
    assert response.status_code == 400
    assert response.context["bulk_form"].errors[field]
    assert (
        f'value="{case.pk}" form="bulk-form"' in response.content.decode().replace("\n", " ")
        or str(case.pk) in response.context["selected"]
    )
    case.refresh_from_db()
    assert case.status == Case.Status.NEW and CaseEvent.objects.count() == before


def test_bulk_action_with_a_tampered_case_id_is_refused(login, petugas):
    response = login(petugas).post(
        reverse("cases:triage_bulk"), {"cases": ["999999", "abc"], "action": "verify"}
    )
    assert response.status_code == 400


def test_mark_duplicate_and_reject_from_the_queue(login, petugas, relawan_alalak):
    original = file_case(relawan_alalak)
    copy = file_case(relawan_alalak, beneficiary=original.beneficiary)
    spam = file_case(relawan_alalak)
    client = login(petugas)
    client.post(
        reverse("cases:triage_bulk"),
        {"cases": [copy.pk], "action": "duplicate", "duplicate_of": original.reference},
    )
    client.post(
        reverse("cases:triage_bulk"),
        {"cases": [spam.pk], "action": "reject", "reason": "Laporan ganda via telepon"},
    )
    copy.refresh_from_db()
    spam.refresh_from_db()
    assert copy.duplicate_of == original
    assert spam.status == Case.Status.REJECTED
    assert spam.rejection_reason == "Laporan ganda via telepon"


def test_assignee_suggestions_show_open_case_counts(login, petugas, relawan_alalak):
    for _ in range(2):
        case_assign(case=file_case(relawan_alalak), assignee=relawan_alalak, actor=petugas)
    client = login(petugas)
    html = client.get(reverse("cases:assignee_search"), {"assignee": "alalak"}).content.decode()
    assert "Relawan Alalak Utara (Relawan (PSM) · Alalak Utara) — 2 terbuka" in html
    assert f'value="{relawan_alalak.username}"' in html
    nobody = client.get(reverse("cases:assignee_search"), {"q": "zzz-nobody"}).content.decode()
    assert "<option" not in nobody


def test_triage_page_does_not_list_every_person(login, petugas, relawan_alalak, relawan_kuin):
    html = login(petugas).get(reverse("cases:triage")).content.decode()
    assert relawan_kuin.username not in html and "Relawan Kuin" not in html
    assert html.count("<datalist") == 2  # the filter's and the bulk form's assignee boxes


def test_assignee_typed_by_username_or_full_name_filters_and_assigns(
    login, petugas, relawan_alalak, relawan_kuin
):
    cases = [file_case(relawan_alalak) for _ in range(2)]
    client = login(petugas)
    response = client.post(
        reverse("cases:triage_bulk"),
        {"cases": [cases[0].pk], "action": "assign", "assignee": relawan_kuin.username},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cases:triage_bulk"),
        {"cases": [cases[1].pk], "action": "assign", "assignee": " relawan  kuin CERUCUK "},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == relawan_kuin
    listed = client.get(reverse("cases:list"), {"assignee": relawan_kuin.username})
    assert sorted(refs(listed)) == sorted(c.reference for c in cases)
    unknown = client.post(
        reverse("cases:triage_bulk"),
        {"cases": [cases[0].pk], "action": "assign", "assignee": "tidak-ada"},
    )
    assert unknown.status_code == 400
    assert 'value="tidak-ada"' in unknown.content.decode()  # kept as typed, with a message
    assert "Tidak ada orang dengan nama pengguna atau nama ini" in unknown.content.decode()


def test_default_triage_pages_keep_one_order_across_both_kinds_of_rows(
    login, petugas, relawan_alalak, relawan_kuin, monkeypatch
):
    """The default queue is read as two branches (waiting + assignee left); the pages must
    equal one ORDER BY over both."""
    import cases.selectors.queue

    now = timezone.now()
    made = []
    for i, priority in enumerate(["normal", "emergency", "high", "low", "normal", "high"]):
        made.append(
            file_case(relawan_alalak, priority=priority, created_at=now - dt.timedelta(hours=i))
        )
    for case in made[3:]:
        case_assign(case=case, assignee=relawan_kuin, actor=petugas)
    User.objects.filter(pk=relawan_kuin.pk).update(is_active=False)  # made[3:] need reassigning
    neither = file_case(relawan_alalak)
    Case.objects.filter(pk=neither.pk).update(status="in_progress")  # not listed
    expected = list(
        Case.objects.filter(pk__in=[c.pk for c in made])
        .annotate(rank=cases.selectors.queue.PRIORITY_RANK)
        .order_by("rank", "created_at", "id")
        .values_list("reference", flat=True)
    )
    monkeypatch.setattr(cases.selectors.queue, "PAGE_SIZE", 4)
    client = login(petugas)
    first = client.get(reverse("cases:triage"))
    second = client.get(reverse("cases:triage"), {"page": 2})
    assert refs(first) + refs(second) == expected
    assert first.context["queue"].paginator.count == 6


@pytest.mark.parametrize("url_name", ["cases:list", "cases:triage"])
def test_list_queries_do_not_grow_with_rows(login, kabid, relawan_alalak, petugas, url_name):
    client = login(kabid)

    def count_queries() -> int:
        client.get(reverse(url_name))  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        file_case(relawan_alalak)
    at_five = count_queries()
    for i in range(45):
        case = file_case(relawan_alalak)
        if i % 3 == 0:
            case_assign(case=case, assignee=relawan_alalak, actor=petugas)
    at_fifty = count_queries()
    assert at_five == at_fifty
    assert at_fifty <= 12


def test_the_case_page_assigns_by_typed_name_without_listing_everyone(
    login, petugas, relawan_alalak, relawan_kuin
):
    """The case page's assign box works like triage's: a username or exact full name; a
    name nobody has keeps the page with the typed text and changes nothing."""
    case = file_case(relawan_alalak)
    client = login(petugas)
    page = client.get(case.get_absolute_url()).content.decode()
    assign_form = page.split("/assign/")[1].split("</form>")[0]
    assert 'list="id_assignee-people"' in assign_form and "<option" not in assign_form
    url = reverse("cases:assign", args=[case.reference])
    response = client.post(url, {"assignee": "Relawan Nowhere"})
    assert response.status_code == 400
    assert 'value="Relawan Nowhere"' in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None and case.status == Case.Status.NEW
    response = client.post(url, {"assignee": " relawan  kuin cerucuk ", "note": "Dekat"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == relawan_kuin and case.status == Case.Status.ASSIGNED


def test_a_bulk_assignment_sends_the_assignee_one_message(login, petugas, relawan_alalak):
    """Assigning many cases at once tells the assignee once, with every reference; one case
    assigned from the queue links to that case."""
    from django.core.management import call_command

    from psm.notifications.models import Notification, Reminder

    made = [file_case(relawan_alalak) for _ in range(3)]
    client = login(petugas)
    response = client.post(
        reverse("cases:triage_bulk"),
        {"cases": [c.pk for c in made], "action": "assign", "assignee": relawan_alalak.username},
    )
    assert response.status_code == 302
    assert not Reminder.objects.filter(kind="case_assigned").exists()
    digest = Reminder.objects.get(kind="cases_assigned", recipient=relawan_alalak)
    assert digest.title == "3 kasus ditugaskan kepada Anda"
    assert set(digest.body.split(", ")) == {c.reference for c in made}
    assert digest.url == reverse("cases:list")

    one = file_case(relawan_alalak)
    client.post(
        reverse("cases:triage_bulk"),
        {"cases": [one.pk], "action": "assign", "assignee": relawan_alalak.username},
    )
    single = Reminder.objects.filter(kind="cases_assigned").exclude(pk=digest.pk).get()
    assert single.title == "1 kasus ditugaskan kepada Anda" and single.url == one.get_absolute_url()

    call_command("send_reminders", verbosity=0)
    assert Notification.objects.filter(recipient=relawan_alalak).count() == 2

    # Officers assigning cases to themselves get no message.
    mine = file_case(relawan_alalak)
    client.post(
        reverse("cases:triage_bulk"),
        {"cases": [mine.pk], "action": "assign", "assignee": petugas.username},
    )
    told = Reminder.objects.filter(recipient=petugas, kind__in=["case_assigned", "cases_assigned"])
    assert not told.exists()


def test_a_failing_bulk_run_still_tells_about_the_cases_it_assigned(
    petugas, relawan_alalak, monkeypatch
):
    from cases.services import bulk
    from psm.notifications.models import Reminder

    made = [file_case(relawan_alalak) for _ in range(3)]
    real_assign = bulk.case_assign
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["case"].reference)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_assign(**kwargs)

    monkeypatch.setattr(bulk, "case_assign", flaky)
    with pytest.raises(RuntimeError):
        bulk.cases_bulk_apply(cases=made, action="assign", actor=petugas, assignee=relawan_alalak)
    digest = Reminder.objects.get(kind="cases_assigned")
    assert digest.body == made[0].reference

    # A message that cannot be written does not undo or hide the assignments.
    monkeypatch.setattr(bulk, "case_assign", real_assign)
    monkeypatch.setattr(
        bulk, "tell_assigned_many", lambda **kw: (_ for _ in ()).throw(RuntimeError("x"))
    )
    result = bulk.cases_bulk_apply(
        cases=made[1:], action="assign", actor=petugas, assignee=relawan_alalak
    )
    assert result.done == [c.reference for c in made[1:]] and not result.skipped


def test_a_bulk_priority_change_reads_the_sla_policies_once(petugas, relawan_alalak, monkeypatch):
    from cases import sla
    from cases.services import bulk

    made = [file_case(relawan_alalak) for _ in range(3)]
    reads = []
    real_init = sla.Calendar.__init__

    def counted(self, *args, **kwargs):
        reads.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(sla.Calendar, "__init__", counted)
    result = bulk.cases_bulk_apply(cases=made, action="priority", actor=petugas, priority="high")
    assert len(result.done) == 3 and len(reads) == 1


@pytest.mark.parametrize("url", ["cases:list", "cases:triage"])
def test_a_chosen_sort_stays_when_a_filter_changes_next(login, petugas, url):
    # The filter form sends the sort a column header chose (an input in the swapped table,
    # form="filters"): ticking a status after sorting used to bring back the default order.
    file_case(petugas)
    client = login(petugas)
    kept = '<input type="hidden" name="sort" value="{}" form="filters">'
    html = client.get(reverse(url), {"sort": "-due"}).content.decode()
    assert kept.format("-due") in html
    fragment = client.get(reverse(url), {"sort": "-due"}, HTTP_HX_REQUEST="true")
    assert kept.format("-due") in fragment.content.decode()  # the swapped table carries it
    assert 'name="sort"' not in client.get(reverse(url)).content.decode()  # no choice made
    # A sort that is not one of the list's falls back to the default, never echoed.
    html = client.get(reverse(url), {"sort": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html
    default = "priority" if url == "cases:triage" else "-created"
    assert kept.format(default) in html


@pytest.mark.parametrize("url", ["cases:list", "cases:triage"])
def test_phones_sort_from_links_above_the_cards(login, petugas, url):
    # Below 576 px the rows are cards and the sortable column headers are hidden: the same
    # six sorts are links above the cards, the applied one marked, each keeping the filters.
    from html.parser import HTMLParser

    file_case(petugas)
    client = login(petugas)
    html = client.get(reverse(url), {"status": "new", "sort": "priority"}).content.decode()

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_nav = False
            self.links: list[str] = []
            self.current: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "nav" and a.get("aria-label") == "Urutkan":
                self.in_nav = True
            elif tag == "a" and self.in_nav:
                self.links.append(a["href"])
                if a.get("aria-current") == "true":
                    self.current = a["href"]

        def handle_endtag(self, tag):
            if tag == "nav":
                self.in_nav = False

    found = Links()
    found.feed(html)
    sorts = [href.rsplit("sort=", 1)[1] for href in found.links]
    # The applied sort's link reverses it; the others sort by their own key.
    assert sorts == ["created", "-priority", "due", "status", "kelurahan", "reference"]
    assert found.current is not None and found.current.endswith("sort=-priority")
    assert all("status=new" in href for href in found.links)
    assert 'class="d-sm-none small mb-2" aria-label="Urutkan"' in html  # phones only


def test_every_sort_of_the_list_has_one_name():
    # The column headers and the phone's links both take their names from SORT_LABELS.
    from cases.selectors.queue import SORTS
    from cases.templatetags.queue_tags import SORT_LABELS

    assert set(SORT_LABELS) == set(SORTS)
