"""The access log (issue 8, item 5): who opened which person's and case's data, never the data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services import attachment_add, beneficiary_merge
from psm.accesslog.models import AccessEntry
from tests.cases_support import beneficiary, file_case, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _log_queries(queries) -> list[str]:
    # pghistory's middleware prefixes each statement of a request with its context
    # (SELECT set_config(...); ...): look at the statement itself.
    statements = (q["sql"].rsplit("; ", 1)[-1] for q in queries)
    return [sql for sql in statements if "accesslog_accessentry" in sql]


def test_opening_a_case_logs_who_what_and_the_path_without_the_query(login, relawan_alalak):
    case = file_case(relawan_alalak)
    client = login(relawan_alalak)
    nik = case.beneficiary.nik
    assert nik is not None
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.get_absolute_url(), {"q": nik, "phone": "081234567890"})
    assert response.status_code == 200
    # One INSERT, nothing read from the log first.
    log_sql = _log_queries(captured.captured_queries)
    assert len(log_sql) == 1 and log_sql[0].startswith("INSERT"), log_sql
    entry = AccessEntry.objects.get()
    assert entry.user == relawan_alalak
    assert (entry.kind, entry.object_id) == (AccessEntry.Kind.CASE, case.pk)
    assert entry.beneficiary_id == case.beneficiary_id
    assert entry.path == f"/cases/{case.reference}/"
    stored = " ".join(str(v) for v in AccessEntry.objects.values_list().get())
    assert nik not in stored and "0812" not in stored and case.beneficiary.name not in stored


def test_a_refused_case_leaves_no_entry(login, relawan_kuin, relawan_alalak):
    case = file_case(relawan_alalak)
    assert login(relawan_kuin).get(case.get_absolute_url()).status_code == 404
    assert not AccessEntry.objects.exists()


def test_downloading_an_attachment_is_logged(login, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    photo = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    attachment = attachment_add(case=case, upload=photo, actor=relawan_alalak)
    url = reverse("cases:attachment", args=[case.reference, attachment.pk])
    response = login(petugas).get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = AccessEntry.objects.get()
    assert (entry.user, entry.kind, entry.object_id) == (
        petugas,
        AccessEntry.Kind.ATTACHMENT,
        attachment.pk,
    )
    assert entry.beneficiary_id == case.beneficiary_id and entry.path == url


def test_the_merge_page_logs_both_people_in_one_insert(login, petugas):
    first = beneficiary()
    second = beneficiary(name=first.name)
    client = login(petugas)
    with CaptureQueriesContext(connection) as captured:
        assert (
            client.get(reverse("cases:beneficiary_merge", args=[first.pk, second.pk])).status_code
            == 200
        )
    assert len(_log_queries(captured.captured_queries)) == 1
    assert sorted(AccessEntry.objects.values_list("kind", "beneficiary_id")) == sorted(
        [("beneficiary", first.pk), ("beneficiary", second.pk)]
    )


def test_supervisor_reads_a_persons_log_newest_first_with_merged_records(
    login, kabid, petugas, relawan_alalak
):
    case = file_case(relawan_alalak)
    person = case.beneficiary
    login(relawan_alalak).get(case.get_absolute_url())
    login(petugas).get(case.get_absolute_url())
    duplicate = beneficiary(name=person.name, with_nik=False)
    other_case = file_case(relawan_alalak, beneficiary=duplicate)
    login(petugas).get(other_case.get_absolute_url())
    beneficiary_merge(survivor=person, duplicate=duplicate, actor=petugas)
    unrelated = file_case(relawan_alalak)
    login(petugas).get(unrelated.get_absolute_url())

    response = login(kabid).get(reverse("cases:beneficiary_access_log", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.count('data-access="case"')
    assert rows == 3, "two views of the case + one of the merged duplicate's case"
    assert unrelated.reference not in html
    assert html.index(other_case.reference) < html.index(f"/cases/{case.reference}/")
    assert str(relawan_alalak) in html and str(petugas) in html
    assert not AccessEntry.objects.filter(user=kabid).exists(), "reading the log is not a view"


def test_the_log_page_is_paginated(login, kabid, relawan_alalak):
    person = beneficiary()
    AccessEntry.objects.bulk_create(
        AccessEntry(
            user=relawan_alalak, kind="case", object_id=1, beneficiary_id=person.pk, path=f"/x/{i}/"
        )
        for i in range(55)
    )
    url = reverse("cases:beneficiary_access_log", args=[person.pk])
    client = login(kabid)
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('data-access="case"') == 50 and second.count('data-access="case"') == 5
    assert "/x/54/" in first and "/x/0/" in second  # newest first
    assert client.get(url, {"page": "zzz"}).status_code == 200


@pytest.mark.parametrize("who", ["relawan_alalak", "petugas"])
def test_only_supervisors_read_the_log(login, who, request):
    person = beneficiary()
    user = request.getfixturevalue(who)
    response = login(user).get(reverse("cases:beneficiary_access_log", args=[person.pk]))
    assert response.status_code == 403


def test_case_page_links_the_log_for_supervisors_only(login, kabid, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    url = reverse("cases:beneficiary_access_log", args=[case.beneficiary_id])
    assert url in login(kabid).get(case.get_absolute_url()).content.decode()
    assert url not in login(petugas).get(case.get_absolute_url()).content.decode()


def test_a_roster_export_is_logged_without_its_filters(login, admin_user, relawan_alalak):
    # A POST with a purpose since issue 14 (item 6), as the case exports.
    response = login(admin_user).post(
        reverse("volunteers:export"), {"format": "csv", "purpose": "Pemutakhiran data relawan"}
    )
    assert response.status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.user, entry.kind, entry.object_id, entry.beneficiary_id) == (
        admin_user,
        AccessEntry.Kind.EXPORT,
        None,
        None,
    )
    assert entry.path == reverse("volunteers:export")
