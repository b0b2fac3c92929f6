"""Supervisors' exports (issue 6, item 3): the monthly report equals the dashboard, the case
list export equals the list, every export is logged with its purpose, NIK masked by default."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse

from cases.models import Beneficiary, Case, Priority
from cases.selectors.queue import case_queue, filtered_cases
from psm.nik import mask_nik
from reports.dashboard import dashboard_numbers
from reports.models import ExportLog
from reports.monthly import monthly_filter, monthly_report, monthly_report_html
from tests.cases_support import file_case
from tests.test_dashboard import NOW, office  # noqa: F401  (the hand-computed office fixture)
from volunteers.models import Kecamatan

pytestmark = pytest.mark.django_db
NOVEMBER = dt.date(2026, 11, 1)
MONTHLY = reverse("reports:report_monthly")
CASES = reverse("reports:export_cases")
PURPOSE = "Laporan bulanan untuk Kepala Dinas"


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def _sheet_rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]


def _summary(book) -> dict:
    ws = book.worksheets[0]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}


# --- monthly report ------------------------------------------------------------------------


def test_monthly_xlsx_holds_the_dashboard_numbers(login, kabid, office, at_now):  # noqa: F811
    response = login(kabid).post(
        MONTHLY, {"month": "2026-11", "kecamatan": "", "format": "xlsx", "purpose": PURPOSE}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="laporan-bulanan-2026-11.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    board = dashboard_numbers(monthly_filter(NOVEMBER), now=NOW)
    assert board.total == 4  # A, B, C, E filed in November (D in September)

    summary = _summary(book)
    assert book.worksheets[0]["A1"].value == "Laporan bulanan Dinas Sosial Kota Banjarmasin"
    assert summary["Periode"] == "November 2026"
    assert summary["Wilayah"] == "Seluruh Kota Banjarmasin"
    assert summary["Dibuat oleh"] == "Kabid Rehsos"
    assert summary["Dibuat pada"] == "25-11-2026 10:00 WITA"
    assert summary["Kasus dilaporkan dalam bulan ini"] == board.total
    assert summary["Median waktu respons pertama (jam)"] == board.median_response_hours == 1.3
    assert summary["Median waktu penyelesaian (hari)"] == board.median_resolution_days == 4.0

    status_labels = dict(Case.Status.choices)
    assert _sheet_rows(book["Status"]) == [
        [str(status_labels[s]), board.by_status[s]] for s in Case.Status.values
    ]
    assert _sheet_rows(book["Kategori"]) == [[n, c] for n, c in board.by_category]
    assert _sheet_rows(book["Kecamatan"]) == [[n, c] for n, c in board.by_kecamatan]
    assert _sheet_rows(book["Kelurahan"]) == [
        [r.name, r.kecamatan, r.count] for r in board.by_kelurahan
    ]
    sla = {row[0]: row[1:] for row in _sheet_rows(book["SLA"])}
    for key, label in Priority.choices:
        assert sla[str(label)] == [
            board.sla[key]["due"],
            board.sla[key]["met"],
            board.sla[key]["percent"],
        ]
    assert sla["Semua prioritas"] == [3, 2, 66.7]
    volunteers = {row[0]: row[1:] for row in _sheet_rows(book["Relawan"])}
    assert volunteers["Banjarmasin Utara"] == [1, 1, 3, 1]
    assert len(volunteers) == len(board.volunteers)


def test_monthly_report_equals_the_dashboard_page_for_the_same_month_and_area(
    login,
    kabid,
    office,  # noqa: F811
    at_now,
):
    barat = Kecamatan.objects.get(name="Banjarmasin Barat")
    client = login(kabid)
    page = client.get(
        reverse("reports:dashboard"),
        {"period": "custom", "start": "2026-11-01", "end": "2026-11-30", "kecamatan": barat.pk},
    )
    shown = page.context["board"]
    response = client.post(
        MONTHLY, {"month": "2026-11", "kecamatan": barat.pk, "format": "xlsx", "purpose": PURPOSE}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = _summary(book)
    assert summary["Wilayah"] == "Banjarmasin Barat"
    assert summary["Kasus dilaporkan dalam bulan ini"] == shown.total == 2  # B, and E moved here
    assert _sheet_rows(book["Kecamatan"]) == [["Banjarmasin Barat", 2]]
    assert _sheet_rows(book["Kategori"]) == [list(x) for x in shown.by_category]
    log = ExportLog.objects.get()
    assert log.kind == ExportLog.Kind.MONTHLY_XLSX
    assert log.filters == {
        "month": "2026-11",
        "kecamatan": barat.pk,
        "kecamatan_name": "Banjarmasin Barat",
    }
    assert (log.user, log.row_count, log.purpose, log.include_nik) == (kabid, 2, PURPOSE, False)
    assert log.finished_at is not None


def test_monthly_pdf_is_a_pdf_of_the_same_numbers(login, kabid, office, at_now):  # noqa: F811
    response = login(kabid).post(MONTHLY, {"month": "2026-11", "format": "pdf", "purpose": PURPOSE})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert ExportLog.objects.get().kind == ExportLog.Kind.MONTHLY_PDF
    # The PDF's text is compressed glyph runs; its source HTML carries the numbers.
    report = monthly_report(month=NOVEMBER, kecamatan=None, user=kabid, now=NOW)
    html = monthly_report_html(report)
    assert "Laporan bulanan Dinas Sosial Kota Banjarmasin" in html
    assert 'data-summary="1">4</td>' in html  # cases filed in November
    assert "Banjarmasin Utara" in html and "November 2026" in html and "Kabid Rehsos" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2026-11", "purpose": ""}, "Sebutkan tujuan ekspor ini."),
        ({"month": "2026-11", "purpose": "abc"}, "paling sedikit 5 karakter"),
        ({"month": "2026-13", "purpose": PURPOSE}, "Tulis bulan dengan format TTTT-BB"),
        ({"month": "November", "purpose": PURPOSE}, "Tulis bulan dengan format TTTT-BB"),
        ({"month": "0000-05", "purpose": PURPOSE}, "Tulis bulan dengan format TTTT-BB"),
        ({"month": "2027-01", "purpose": PURPOSE}, "Pilih bulan antara Januari 2000"),
        ({"month": "1999-12", "purpose": PURPOSE}, "Pilih bulan antara Januari 2000"),
        ({"month": "", "purpose": PURPOSE}, "Pilih bulan."),
        ({"month": "2026-11", "kecamatan": "999999", "purpose": PURPOSE}, "Pilih kecamatan"),
        ({"month": "2026-11", "kecamatan": "x", "purpose": PURPOSE}, "Pilih kecamatan"),
        ({"month": "2026-11", "format": "docx", "purpose": PURPOSE}, "Pilih format."),
    ],
)
def test_bad_monthly_input_gives_the_form_back_with_a_message(login, kabid, at_now, data, message):
    data = {"format": "xlsx", **data}
    response = login(kabid).post(MONTHLY, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert message in html
    if data["purpose"]:
        assert f'value="{data["purpose"]}"' in html  # kept as typed
    assert not ExportLog.objects.exists()


def test_monthly_form_starts_at_last_month_and_the_dashboards_area(login, kabid, at_now):
    barat = Kecamatan.objects.get(name="Banjarmasin Barat")
    html = login(kabid).get(MONTHLY, {"kecamatan": barat.pk}).content.decode()
    assert 'value="2026-10"' in html
    assert f'<option value="{barat.pk}" selected>' in html


# --- case list ------------------------------------------------------------------------------


@pytest.fixture
def cases(relawan_alalak, relawan_kuin):
    made = [file_case(relawan_alalak) for _ in range(3)]
    made += [file_case(relawan_kuin) for _ in range(2)]
    return made


def _csv(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_case_list_csv_holds_the_rows_of_the_filtered_list(login, kabid, cases):
    barat = Kecamatan.objects.get(name="Banjarmasin Barat")
    query = f"kecamatan={barat.pk}&sort=reference&list=cases"
    client = login(kabid)
    page = client.get(f"{CASES}?{query}")
    assert page.status_code == 200 and 'data-count="2"' in page.content.decode()
    response = client.post(f"{CASES}?{query}", {"format": "csv", "purpose": PURPOSE})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert rows[0] == [
        "Nomor kasus",
        "Tanggal lapor",
        "Kategori",
        "Prioritas",
        "Status",
        "Kelurahan",
        "Kecamatan",
        "Petugas",
        "Batas tanggapan",
        "Nama penerima manfaat",
        "NIK",
    ]
    # Written out: the two Kuin Cerucuk cases (Banjarmasin Barat), by reference ascending.
    kuin = sorted(c.reference for c in cases[3:])
    assert [r[0] for r in rows[1:]] == kuin
    assert len(rows) == 3
    listed = case_queue(kabid, QueryDict(query), triage=False).page.object_list
    assert [c.reference for c in listed] == kuin  # the page shows the same order
    first = Case.objects.select_related("beneficiary").get(reference=rows[1][0])
    assert rows[1][5:7] == ["Kuin Cerucuk", "Banjarmasin Barat"]
    assert rows[1][9] == first.beneficiary.name
    assert rows[1][10] == mask_nik(first.beneficiary.nik) != first.beneficiary.nik
    log = ExportLog.objects.get()
    assert log.kind == ExportLog.Kind.CASES_CSV
    assert log.filters == {"kecamatan": [str(barat.pk)], "list": ["cases"], "sort": ["reference"]}
    assert (log.row_count, log.include_nik, log.purpose) == (2, False, PURPOSE)
    assert log.finished_at is not None


def test_case_list_xlsx_of_the_triage_queue_equals_the_queue(login, kabid, petugas, cases):
    from cases.services import case_set_priority, case_transition

    case_transition(case=cases[0], to_status="verified", actor=petugas)
    case_transition(case=cases[0], to_status="rejected", actor=petugas, reason="Ganda")
    case_set_priority(case=cases[3], priority="high", actor=petugas)
    case_set_priority(case=cases[4], priority="emergency", actor=petugas)
    response = login(kabid).post(f"{CASES}?list=triage", {"format": "xlsx", "purpose": PURPOSE})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    rows = _xlsx(response)
    # Written out: the triage order is priority first (emergency, high, normal), then the
    # oldest first; the rejected case has left the queue.
    expected = [cases[4], cases[3], cases[1], cases[2]]
    assert [r[0] for r in rows[1:]] == [c.reference for c in expected] and len(rows) == 5
    _filter, queue, _sort = filtered_cases(kabid, QueryDict(""), triage=True)
    assert [c.reference for c in queue] == [c.reference for c in expected]
    assert cases[0].reference not in [r[0] for r in rows]  # rejected: not in the queue
    assert isinstance(rows[1][1], dt.datetime)  # a real date cell, local time
    log = ExportLog.objects.get()
    assert (log.kind, log.row_count, log.filters) == (
        ExportLog.Kind.CASES_XLSX,
        4,
        {"list": ["triage"]},
    )


def test_nik_is_masked_unless_included_and_the_choice_is_logged(login, kabid, cases):
    client = login(kabid)
    niks = set(Beneficiary.objects.values_list("nik", flat=True))
    masked = _csv(client.post(CASES, {"format": "csv", "purpose": PURPOSE}))
    assert {r[10] for r in masked[1:]} == {mask_nik(n) for n in niks}
    assert all("********" in r[10] for r in masked[1:])
    full = _csv(client.post(CASES, {"format": "csv", "include_nik": "on", "purpose": PURPOSE}))
    assert {r[10] for r in full[1:]} == niks
    xlsx = _xlsx(client.post(CASES, {"format": "xlsx", "include_nik": "on", "purpose": PURPOSE}))
    assert {r[10] for r in xlsx[1:]} == niks
    logs = list(ExportLog.objects.order_by("id").values_list("include_nik", "row_count"))
    assert logs == [(False, 5), (True, 5), (True, 5)]


def test_cells_that_look_like_formulas_stay_text(login, kabid, cases):
    names = ['=HYPERLINK("http://x.invalid","klik")', "+6281234", "-1+1", "@SUM(A1)"]
    for case, name in zip(cases, names, strict=False):
        Beneficiary.objects.filter(pk=case.beneficiary_id).update(name=name)
    client = login(kabid)
    rows = _csv(client.post(f"{CASES}?sort=created", {"format": "csv", "purpose": PURPOSE}))
    exported = {r[0]: r[9] for r in rows[1:]}
    for case, name in zip(cases, names, strict=False):
        assert exported[case.reference] == "'" + name
    response = client.post(f"{CASES}?sort=created", {"format": "xlsx", "purpose": PURPOSE})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = {row[0].value: row[9] for row in book.worksheets[0].iter_rows(min_row=2)}
    formula = cells[cases[0].reference]
    assert formula.value == names[0] and formula.data_type == "s"  # text, not a formula


def test_bad_case_export_input_gives_the_form_back(login, kabid, cases):
    client = login(kabid)
    response = client.post(CASES, {"format": "csv", "purpose": ""})
    assert response.status_code == 200
    assert "Sebutkan tujuan ekspor ini." in response.content.decode()
    response = client.post(f"{CASES}?created_from=kemarin", {"format": "csv", "purpose": PURPOSE})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Filter daftar tidak valid" in html
    assert f'value="{PURPOSE}"' in html
    response = client.post(CASES, {"format": "pdf", "purpose": PURPOSE, "include_nik": "on"})
    assert response.status_code == 200 and "Pilih format." in response.content.decode()
    assert re.search(r'<input type="checkbox" name="include_nik"[^>]* checked>', response.text)
    assert not ExportLog.objects.exists()


def test_a_case_list_too_long_for_xlsx_is_refused_with_advice(login, kabid, cases, monkeypatch):
    from reports.views import exports as views_exports

    monkeypatch.setattr(views_exports, "XLSX_MAX_ROWS", 4)
    client = login(kabid)
    response = client.post(CASES, {"format": "xlsx", "purpose": PURPOSE})
    assert response.status_code == 200
    assert "Lebih dari 4 kasus: pilih CSV atau persempit filter." in response.text
    assert not ExportLog.objects.exists()
    assert len(_csv(client.post(CASES, {"format": "csv", "purpose": PURPOSE}))) == 6


# --- access, rate limit, log page --------------------------------------------------------------


@pytest.mark.parametrize("url", [MONTHLY, CASES])
def test_volunteers_and_staff_cannot_export(login, relawan_alalak, petugas, cases, url):
    data = {"month": "2026-11", "format": "csv", "purpose": PURPOSE}
    for user in (relawan_alalak, petugas):
        assert login(user).post(url, data).status_code == 403
    assert not ExportLog.objects.exists()


def test_the_eleventh_export_in_an_hour_is_refused_with_a_message(login, kabid, cases):
    client = login(kabid)
    start = NOW.replace(minute=1)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(10):
            url = MONTHLY if n % 2 else CASES
            data = {"month": "2026-11", "format": "csv" if url == CASES else "xlsx"}
            response = client.post(url, {**data, "purpose": PURPOSE})
            assert response.status_code == 200, n
            if response.streaming:
                b"".join(response.streaming_content)
        refused = client.post(CASES, {"format": "csv", "purpose": PURPOSE})
        assert refused.status_code == 429
        assert "Terlalu banyak permintaan" in refused.content.decode()
        assert refused["Retry-After"] == "3600"
        assert ExportLog.objects.count() == 10
        assert client.get(CASES).status_code == 200  # the form still opens
        traveller.shift(dt.timedelta(hours=1))
        assert client.post(CASES, {"format": "csv", "purpose": PURPOSE}).status_code == 200


def test_export_log_page_lists_who_exported_what(login, kabid, admin_user, cases):
    client = login(kabid)
    b"".join(
        client.post(
            f"{CASES}?status=new", {"format": "csv", "include_nik": "on", "purpose": PURPOSE}
        ).streaming_content
    )
    html = login(admin_user).get(reverse("reports:export_log")).content.decode()
    assert "Kabid Rehsos" in html and PURPOSE in html and "status=new" in html
    assert "Daftar kasus (CSV)" in html and "<strong>ya</strong>" in html


def test_dashboard_and_lists_link_the_exports_for_supervisors_only(login, kabid, petugas):
    export = reverse("reports:report_monthly")
    assert export in login(kabid).get(reverse("reports:dashboard")).content.decode()
    assert export not in login(petugas).get(reverse("reports:dashboard")).content.decode()
    triage = login(kabid).get(reverse("cases:triage"), {"priority": "high"}).content.decode()
    assert f"{CASES}?priority=high&amp;list=triage" in triage


def test_monthly_report_form_survives_fuzzing(login, kabid, settings):
    from hypothesis import strategies as st

    from tests import fuzz

    settings.RATELIMIT_ENABLE = False  # every example is an export attempt
    statuses = fuzz.fuzz_form(
        url=MONTHLY,
        fields=["month", "kecamatan", "format", "purpose"],
        client=lambda: login(kabid),
        valid={"month": st.just("2026-10"), "format": st.just("xlsx")},
        render_urls=lambda: [reverse("reports:export_log")],  # the purpose is shown there
        max_examples=40,
    )
    assert statuses[200] > 0 and set(statuses) <= {200, 400}, statuses


def test_monthly_pdf_has_the_letterhead_and_the_signer_from_settings(
    login,
    kabid,
    office,  # noqa: F811
    at_now,
    settings,
):
    settings.REPORT_LETTERHEAD_AUTHORITY = "Pemerintah Kota Contoh"
    settings.REPORT_LETTERHEAD_OFFICE = "Dinas Sosial"
    settings.REPORT_LETTERHEAD_ADDRESS = "Jl. Contoh No. 1"
    settings.REPORT_REGION_NAME = "Kota Contoh"
    settings.REPORT_SIGNING_PLACE = "Contoh"
    settings.REPORT_SIGNER_TITLE = "Kepala Bidang Rehabilitasi Sosial"
    settings.REPORT_SIGNER_NAME = "Drs. Ahmad Fauzi, M.Si."
    settings.REPORT_SIGNER_NIP = "197001011995031001"
    report = monthly_report(month=NOVEMBER, kecamatan=None, user=kabid, now=NOW)
    html = monthly_report_html(report)
    assert "PEMERINTAH KOTA CONTOH" in html and "DINAS SOSIAL" in html
    assert "Jl. Contoh No. 1" in html
    assert "Laporan bulanan Dinas Sosial Kota Contoh" in html and "Banjarmasin" not in html.split(
        "<section>"
    )[0].replace("Banjarmasin Utara", "")
    signature = html.split('data-testid="signature"')[1]
    assert "Kepala Bidang Rehabilitasi Sosial" in signature
    assert "Drs. Ahmad Fauzi, M.Si." in signature and "NIP 197001011995031001" in signature
    assert "Contoh, " in signature
    pdf = login(kabid).post(MONTHLY, {"month": "2026-11", "format": "pdf", "purpose": PURPOSE})
    assert pdf.content.startswith(b"%PDF-")
