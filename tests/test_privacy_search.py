"""A search by NIK never puts the NIK in a URL (Location, pushed URL, links) or the export
log, and still finds the person; searches by name stay bookmarkable GETs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from psm.search import seal, unseal
from reports.models import ExportLog
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db

PURPOSE = "Laporan ke Kepala Dinas"
# Every URL of the page: links, htmx requests, form actions, the "next" hidden inputs. (The
# search box itself shows the NIK as typed: the page is HTML, no-store, not a URL.)
HREF = re.compile(r'(?:href|hx-get|hx-post|hx-push-url|action|name="next" value)="([^"]*)"')


def _case_with_nik(relawan):
    case = file_case(relawan)
    nik = case.beneficiary.nik
    assert nik and len(nik) == 16
    return case, nik


def _sealed_location(response, nik: str) -> str:
    assert response.status_code == 303, response.status_code
    location = response["Location"]
    assert nik not in location
    (token,) = parse_qs(urlsplit(location).query)["q"]
    assert token.startswith("~")
    return location


def _no_nik_in_links(html: str, nik: str) -> None:
    for link in HREF.findall(html):
        assert nik not in link, link


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("url", ["/cases/", "/triage/"])
def test_a_search_by_nik_is_posted_and_answered_with_a_sealed_url(
    login, relawan_alalak, kabid, url, htmx
):
    case, nik = _case_with_nik(relawan_alalak)
    other = file_case(relawan_alalak)
    client = login(kabid)
    headers = {"HX-Request": "true"} if htmx else {}
    posted = client.post(url, {"q": nik, "status": "new"}, headers=headers)
    location = _sealed_location(posted, nik)
    assert parse_qs(urlsplit(location).query)["status"] == ["new"]
    # What htmx pushes into history is the URL it was redirected to (no HX-Push-Url of ours).
    page = client.get(location, headers=headers)
    assert page.status_code == 200
    assert "HX-Push-Url" not in page or nik not in page["HX-Push-Url"]
    html = page.content.decode()
    assert case.reference in html and other.reference not in html
    _no_nik_in_links(html, nik)


@pytest.mark.parametrize("url", ["/cases/", "/triage/", "/volunteers/"])
def test_a_typed_url_with_an_nik_is_redirected_to_a_sealed_one(login, kabid, admin_user, url):
    nik = "6371015504850003"
    user = admin_user if url == "/volunteers/" else kabid
    _sealed_location(login(user).get(url, {"q": nik}), nik)
    phone = login(user).get(url, {"q": "0812 3456 7890"})
    assert phone.status_code == 303 and "3456" not in phone["Location"]


def test_a_search_by_name_stays_a_plain_get(login, relawan_alalak, kabid):
    case = file_case(relawan_alalak)
    name = case.beneficiary.name.split()[0]
    response = login(kabid).get("/cases/", {"q": name})
    assert response.status_code == 200
    assert case.reference in response.content.decode()


def test_the_roster_search_by_nik(login, admin_user, relawan_alalak, relawan_kuin):
    from volunteers.services import volunteer_update

    nik = "6371015504850003"
    volunteer_update(volunteer=relawan_kuin.volunteer, data={"nik": nik}, actor=admin_user)
    client = login(admin_user)
    location = _sealed_location(client.post("/volunteers/", {"q": nik}), nik)
    html = client.get(location).content.decode()
    assert "relawan_kuin" in html and "relawan_alalak" not in html
    _no_nik_in_links(html, nik)
    # The roster export from that list: filtered by the NIK, logged without it.
    export = re.search(r'href="(/volunteers/export/\?[^"]*)"', html)
    assert export, "the export link"
    target = export.group(1).replace("&amp;", "&")
    assert nik not in target
    response = client.post(target, {"format": "csv", "purpose": PURPOSE})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["relawan_kuin"]
    assert ExportLog.objects.get().filters == {"q": ["[NIK/KK]"]}


def test_the_intake_person_search_by_nik(login, relawan_alalak, petugas):
    case, nik = _case_with_nik(relawan_alalak)
    client = login(petugas)
    url = reverse("cases:beneficiary_search")
    location = _sealed_location(client.post(url, {"q": nik}, headers={"HX-Request": "true"}), nik)
    page = client.get(location, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert case.beneficiary.name in page.content.decode()
    _sealed_location(client.get(url, {"q": nik}), nik)


def test_the_export_of_a_list_searched_by_nik_filters_by_it_and_logs_no_nik(
    login, relawan_alalak, kabid
):
    case, nik = _case_with_nik(relawan_alalak)
    other = file_case(relawan_alalak)
    client = login(kabid)
    html = client.get(_sealed_location(client.post("/cases/", {"q": nik}), nik)).content.decode()
    export = re.search(r'href="(/reports/cases/\?[^"]*)"', html)
    assert export, "the export link"
    target = export.group(1).replace("&amp;", "&")
    assert nik not in target
    page = client.get(target)
    assert page.status_code == 200
    _no_nik_in_links(page.content.decode(), nik)
    response = client.post(target, {"format": "csv", "purpose": PURPOSE})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert case.reference in body and other.reference not in body
    entry = ExportLog.objects.get()
    assert entry.filters == {"list": ["cases"], "q": ["[NIK/KK]"]}
    log = client.get(reverse("reports:export_log")).content.decode()
    assert nik not in log and "[NIK/KK]" in log


def test_a_forged_or_expired_token_is_an_empty_search_not_an_error(login, relawan_alalak, kabid):
    import time_machine
    from django.utils import timezone

    case, nik = _case_with_nik(relawan_alalak)
    client = login(kabid)
    forged = client.get("/cases/", {"q": "~gAAAAAbogus"})
    assert forged.status_code == 200
    token = seal(nik)
    assert case.reference in client.get("/cases/", {"q": token}).content.decode()
    assert unseal(token) == nik
    # Past SEALED_TTL (longer than a session lives) the token opens nothing.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=13), tick=False):
        assert unseal(token) == ""


def test_an_nik_typed_with_dashes_finds_the_case_and_the_person(login, relawan_alalak, petugas):
    # People copy an NIK as 6371-0101-... from a card or a letter; it is still an NIK (one
    # rule, psm.nik.typed_nik), sealed out of the URL and looked up through its hash.
    case, nik = _case_with_nik(relawan_alalak)
    dashed = "-".join(nik[i : i + 4] for i in range(0, 16, 4))
    client = login(petugas)
    listed = client.get(_sealed_location(client.post("/cases/", {"q": dashed}), dashed))
    assert case.reference in listed.content.decode()
    url = reverse("cases:beneficiary_search")
    found = client.get(
        _sealed_location(client.post(url, {"q": dashed}, headers={"HX-Request": "true"}), dashed),
        headers={"HX-Request": "true"},
    )
    assert case.beneficiary.name in found.content.decode()
