"""Fuzzed intake, triage (filters and bulk actions) and roster import (issue 8, item 7):
never a 500, never stored markup rendered live. Each run is bounded (max_examples 10-25)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, Category, Priority
from cases.services.bulk import ACTIONS
from tests import fuzz
from tests.cases_support import file_case, kelurahan
from tests.test_cases_intake import intake_data
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
OK = {200, 302, 400}  # 400: a malformed multipart name, or a refused bulk action


def _client_for(user):
    def make() -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def _latest_case_pages() -> list[str]:
    return [case.get_absolute_url() for case in Case.objects.order_by("-pk")[:1]]


def test_intake_survives_fuzzing(relawan_alalak):
    category = Category.objects.filter(is_active=True).first()
    markup = st.sampled_from(fuzz.MARKUP)
    statuses = fuzz.fuzz_form(
        url=reverse("cases:new"),
        fields=[
            "idempotency_key",
            "beneficiary",
            "q",
            "name",
            "nik",
            "sex",
            "birth_date",
            "kk_number",
            "phone",
            "category",
            "priority",
            "kelurahan",
            "address",
            "rt",
            "rw",
            "description",
            "latitude",
            "longitude",
        ],  # fmt: skip
        files=["uploads"],
        client=_client_for(relawan_alalak),
        valid={
            "idempotency_key": st.uuids().map(str),
            "category": st.just(str(category.pk)),
            "kelurahan": st.just(str(kelurahan("Alalak Utara").pk)),
            "name": markup,
            "address": markup,
            "description": markup,
            "sex": st.sampled_from(["M", "F"]),
            "priority": st.sampled_from(["", *Priority.values]),
        },
        render_urls=lambda: [reverse("cases:list"), *_latest_case_pages()],
        max_examples=25,
    )
    assert statuses[200] > 0, statuses  # the form came back, as typed
    assert set(statuses) <= OK, statuses


def _assert_no_live_markup(client: Client, urls: list[str], shown: Sequence[str] = ()) -> None:
    """No input as live markup on any of `urls`; the values in `shown` are on the last of
    them as text a person reads (escaped, not dropped)."""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = fuzz.live_markup(response.content.decode())
        assert not found, f"{url}: stored input rendered as live markup: {found}"
    html = response.content.decode()
    missing = [value for value in shown if not fuzz.shown_as_text(html, value)]
    assert not missing, f"{urls[-1]}: not shown as text: {missing}"


@settings(
    max_examples=10,
    deadline=None,
    # The personas are made once; every example rolls its own writes back.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    name=st.sampled_from(fuzz.MARKUP),
    address=st.sampled_from(fuzz.MARKUP),
    description=st.sampled_from(fuzz.MARKUP),
)
def test_markup_filed_through_intake_is_shown_as_text(
    relawan_alalak, petugas, name, address, description
):
    """Random fuzzing seldom fills every required field at once; this files markup for real
    and reads it back on every page that shows it, as the volunteer and as staff."""
    from django.db import transaction

    with transaction.atomic():
        client = _client_for(relawan_alalak)()
        data = intake_data(name=name, address=address, description=description)
        response = client.post(reverse("cases:new"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        case = Case.objects.get()
        pages = [reverse("cases:list"), case.get_absolute_url()]
        _assert_no_live_markup(client, pages, shown=[name, address, description])
        _assert_no_live_markup(
            _client_for(petugas)(),
            [pages[0], reverse("cases:triage"), reverse("reports:dashboard"), pages[1]],
            shown=[name, address, description],
        )
        transaction.set_rollback(True)


@pytest.fixture
def triage_cases(relawan_alalak):
    first = file_case(relawan_alalak, description=fuzz.MARKUP[0])
    second = file_case(relawan_alalak, kel="Kuin Cerucuk")
    return first, second


def test_triage_filters_survive_fuzzing(petugas, triage_cases):
    statuses = fuzz.fuzz_form(
        url=reverse("cases:triage"),
        method="get",
        fields=[
            "q",
            "status",
            "category",
            "kecamatan",
            "kelurahan",
            "priority",
            "assignee",
            "unassigned",
            "overdue",
            "reassign",
            "created_from",
            "created_to",
            "sort",
            "page",
        ],  # fmt: skip
        client=_client_for(petugas),
        valid={
            "status": st.sampled_from(Case.Status.values),
            "sort": st.sampled_from(["reference", "-priority", "due", "-created", "kelurahan"]),
            "page": st.sampled_from(["1", "2", "0", "-1", "999999"]),
            "created_from": st.dates().map(dt.date.isoformat),
            "unassigned": st.sampled_from(["true", "false", "1", "on"]),
        },
        max_examples=15,
    )
    assert statuses[200] > 0 and set(statuses) <= {200}, statuses


def test_triage_filters_as_htmx_fragment_survive_fuzzing(petugas, triage_cases):
    statuses = fuzz.fuzz_form(
        url=reverse("cases:list"),
        method="get",
        fields=["q", "status", "kelurahan", "sort", "page"],
        client=_client_for(petugas),
        headers={"HX-Request": "true"},
        max_examples=10,
    )
    assert set(statuses) <= {200}, statuses


def test_triage_bulk_action_survives_fuzzing(petugas, relawan_alalak, triage_cases):
    first, second = triage_cases
    category = Category.objects.filter(is_active=True).last()
    statuses = fuzz.fuzz_form(
        url=reverse("cases:triage_bulk"),
        fields=[
            "cases",
            "action",
            "assignee",
            "priority",
            "category",
            "duplicate_of",
            "reason",
            "note",
            "next",
        ],  # fmt: skip
        client=_client_for(petugas),
        valid={
            "cases": st.sampled_from([str(first.pk), str(second.pk)]),
            "action": st.sampled_from(list(ACTIONS)),
            "assignee": st.just(str(relawan_alalak.pk)),
            "priority": st.sampled_from(Priority.values),
            "category": st.just(str(category.pk)),
            "duplicate_of": st.sampled_from([first.reference, second.reference.lower()]),
            "reason": st.sampled_from(fuzz.MARKUP),
            "note": st.sampled_from(fuzz.MARKUP),
            "next": st.sampled_from(["/triage/?q=x", "https://evil.example/", "//evil.example"]),
        },
        render_urls=lambda: [reverse("cases:triage"), first.get_absolute_url()],
        max_examples=20,
    )
    assert statuses[400] > 0, statuses  # refused with the form shown again
    assert set(statuses) <= {302, 400}, statuses


def test_markup_in_a_bulk_rejection_is_shown_as_text(login, petugas, triage_cases):
    first, _second = triage_cases
    client = login(petugas)
    response = client.post(
        reverse("cases:triage_bulk"),
        {"cases": [first.pk], "action": "reject", "reason": fuzz.MARKUP[1], "note": fuzz.MARKUP[2]},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Case.Status.REJECTED and first.rejection_reason == fuzz.MARKUP[1]
    _assert_no_live_markup(
        client,
        [reverse("cases:triage"), first.get_absolute_url()],
        shown=[fuzz.MARKUP[1]],  # the reason (a bulk rejection keeps no separate note)
    )


# --- roster import ---------------------------------------------------------------------------

HEADER = ["username", "nama_lengkap", "email", "nik", "kelurahan", "tahun_sk", "status"]
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "=cmd|' /C notepad'!'A1'",
    "\t=1",
]


def _cell() -> st.SearchStrategy[object]:
    text = fuzz._text()
    return st.one_of(
        text,
        st.sampled_from(FORMULAS + fuzz.MARKUP),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(),
        st.just(None),
        st.sampled_from(["relawan_fuzz", "Pelambuan", "aktif", "2024", "Alalak Utara"]),
    )


@st.composite
def roster_files(draw: st.DrawFn) -> SimpleUploadedFile:
    header = draw(st.one_of(st.just(HEADER), st.lists(st.sampled_from(HEADER + ["x"]), max_size=8)))
    rows = draw(st.lists(st.lists(_cell(), min_size=0, max_size=len(header) + 2), max_size=4))
    kind = draw(st.sampled_from(["csv", "xlsx", "junk-csv", "junk-xlsx"]))
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if c is None else str(c) for c in row])
        body = out.getvalue().encode("utf-8", "surrogatepass")
        return SimpleUploadedFile("roster.csv", body, content_type="text/csv")
    if kind == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            cells = []
            for c in row:
                if isinstance(c, str):  # openpyxl refuses control characters itself
                    c = "".join(ch for ch in c if ch >= " " or ch in "\t\n\r")[:32_000]
                if isinstance(c, float) and c != c:
                    c = None
                cells.append(c)
            sheet.append(cells)
        out_b = io.BytesIO()
        book.save(out_b)
        return SimpleUploadedFile("roster.xlsx", out_b.getvalue())
    junk = draw(st.binary(max_size=3000))
    name = "roster.csv" if kind == "junk-csv" else "roster.xlsx"
    if draw(st.booleans()):  # a zip that is not a workbook, or a PK header with junk after
        junk = b"PK\x03\x04" + junk
    return SimpleUploadedFile(name, junk)


def test_roster_import_survives_junk_files(admin_user):
    client = Client()
    client.force_login(admin_user)
    url = reverse("volunteers:import")
    seen: dict[str, int] = {"preview": 0, "confirm": 0}

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(upload=roster_files(), valid_only=st.booleans())
    def run(upload: SimpleUploadedFile, valid_only: bool) -> None:
        upload.seek(0)
        from django.db import transaction

        with transaction.atomic():
            preview = client.post(url, {"file": upload})
            fuzz._check(preview, "import preview")
            seen["preview"] += 1
            context = preview.context or {}
            # The file waits on the server under a token when a row is valid; without
            # one the confirm step meets "the preview has expired".
            confirm = client.post(
                url,
                {
                    "step": "confirm",
                    "token": context.get("token", ""),
                    "valid_rows_only": "1" if valid_only else "0",
                },
            )
            fuzz._check(confirm, "import confirm")
            if "token" in context:
                fuzz._check(client.get(reverse("volunteers:list")), "roster after import")
                for volunteer in Volunteer.objects.order_by("-pk")[:1]:
                    page = reverse("volunteers:detail", args=[volunteer.pk])
                    fuzz._check(client.get(page), "volunteer page after import")
            seen["confirm"] += 1
            transaction.set_rollback(True)

    run()
    assert seen["preview"] > 0 and seen["confirm"] > 0, seen
