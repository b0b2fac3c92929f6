"""The case page's photo thumbnails and map (issue 13, item 9)."""

from __future__ import annotations

import decimal
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.services import attachment_add, attachments_purge
from cases.services.thumbnails import thumbnail_name
from psm.security.headers import tile_source as _tile_source
from tests.cases_support import file_case, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _photo(case, actor, size=(2000, 1500)):
    upload = SimpleUploadedFile("rumah.jpg", jpeg_with_gps(size), content_type="image/jpeg")
    return attachment_add(case=case, upload=upload, actor=actor)


def _pdf(case, actor):
    upload = SimpleUploadedFile("surat.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF")
    return attachment_add(case=case, upload=upload, actor=actor)


def test_case_page_shows_a_thumbnail_of_each_photo_served_behind_the_permission_check(
    login, relawan_alalak
):
    case = file_case(relawan_alalak)
    photo = _photo(case, relawan_alalak)
    pdf = _pdf(case, relawan_alalak)
    client = login(relawan_alalak)

    page = client.get(case.get_absolute_url()).content.decode()
    thumb_url = reverse("cases:attachment_thumbnail", args=[case.reference, photo.pk])
    assert f'src="{thumb_url}"' in page
    assert reverse("cases:attachment_thumbnail", args=[case.reference, pdf.pk]) not in page

    response = client.get(thumb_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    small = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert max(small.size) == 240  # the stored photo is 1600 px wide
    # made once, then kept on storage under a name derived from the photo's random one
    assert default_storage.exists(thumbnail_name(photo))
    assert thumbnail_name(photo).startswith("thumbs/cases/")
    assert client.get(thumb_url).status_code == 200


def test_a_thumbnail_of_a_hidden_case_or_of_a_pdf_is_404(login, relawan_alalak, relawan_kuin):
    case = file_case(relawan_alalak)
    photo = _photo(case, relawan_alalak, size=(64, 48))
    pdf = _pdf(case, relawan_alalak)
    url = reverse("cases:attachment_thumbnail", args=[case.reference, photo.pk])
    assert login(relawan_kuin).get(url).status_code == 404
    assert not default_storage.exists(thumbnail_name(photo))  # nothing made for them
    pdf_url = reverse("cases:attachment_thumbnail", args=[case.reference, pdf.pk])
    assert login(relawan_alalak).get(pdf_url).status_code == 404


def test_the_retention_purge_deletes_the_thumbnail_with_the_photo(
    login, relawan_alalak, petugas, kabid
):
    import datetime as dt

    from django.utils import timezone

    from cases.models import Case

    case = file_case(relawan_alalak)
    photo = _photo(case, relawan_alalak, size=(64, 48))
    url = reverse("cases:attachment_thumbnail", args=[case.reference, photo.pk])
    assert login(relawan_alalak).get(url).status_code == 200
    long_ago = timezone.now() - dt.timedelta(days=800)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, last_event_at=long_ago, updated_at=long_ago
    )
    attachments_purge(days=730)
    photo.refresh_from_db()
    assert photo.purged_at is not None
    assert not default_storage.exists(thumbnail_name(photo))
    assert login(relawan_alalak).get(url).status_code == 404


def test_case_page_shows_the_gps_point_on_a_map_with_links_to_a_maps_app(
    login, relawan_alalak, settings
):
    settings.MAP_TILE_URL = ""
    lat, lon = decimal.Decimal("-3.297400"), decimal.Decimal("114.590500")
    case = file_case(relawan_alalak, latitude=lat, longitude=lon)
    page = login(relawan_alalak).get(case.get_absolute_url()).content.decode()
    assert 'id="case-map"' in page
    assert 'data-lat="-3.297400"' in page and 'data-lon="114.590500"' in page
    assert 'data-tiles=""' in page  # no tile server: nothing is fetched
    assert 'href="geo:-3.297400,114.590500?q=-3.297400,114.590500"' in page
    assert "mlat=-3.297400&amp;mlon=114.590500" in page
    assert "vendor/leaflet/leaflet.js" in page


def test_the_tile_url_is_passed_to_the_map(login, relawan_alalak, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"
    lat, lon = decimal.Decimal("-3.3"), decimal.Decimal("114.6")
    case = file_case(relawan_alalak, latitude=lat, longitude=lon)
    page = login(relawan_alalak).get(case.get_absolute_url()).content.decode()
    assert 'data-tiles="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"' in page


def test_a_case_without_gps_has_no_map_and_loads_no_leaflet(login, relawan_alalak):
    case = file_case(relawan_alalak)
    page = login(relawan_alalak).get(case.get_absolute_url()).content.decode()
    assert 'id="case-map"' not in page and "leaflet" not in page


def test_csp_allows_exactly_the_tile_host():
    assert _tile_source("") == []
    assert _tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://tile.openstreetmap.org"
    ]
    assert _tile_source("https://{s}.tile.example.id/{z}/{x}/{y}.png") == [
        "https://*.tile.example.id"
    ]


def test_csp_header_has_no_tile_host_without_a_tile_url(login, relawan_alalak):
    response = login(relawan_alalak).get("/")
    img_src = next(
        part for part in response["Content-Security-Policy"].split(";") if "img-src" in part
    )
    assert img_src.split() == ["img-src", "'self'", "data:", "blob:"]


def test_print_view_is_an_a4_sheet_with_letterhead_and_is_logged(login, relawan_alalak, petugas):
    from psm.accesslog.models import AccessEntry

    case = file_case(relawan_alalak)
    _photo(case, relawan_alalak, size=(64, 48))
    url = reverse("cases:print", args=[case.reference])
    assert f'href="{url}"' in login(petugas).get(case.get_absolute_url()).content.decode()

    response = login(petugas).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="letterhead"' in page and "DINAS SOSIAL" in page
    assert case.reference in page and case.beneficiary.name in page
    assert case.beneficiary.nik in page  # officers' paper file carries the NIK
    assert "css/print.css" in page and "<form" not in page
    assert "attachments/" in page and "/thumbnail/" in page
    entry = AccessEntry.objects.filter(user=petugas, path=url).get()
    assert (entry.kind, entry.object_id) == (AccessEntry.Kind.CASE, case.pk)


def test_print_view_masks_the_nik_for_a_volunteer_and_hides_other_kelurahan(
    login, relawan_alalak, relawan_kuin
):
    case = file_case(relawan_alalak)
    url = reverse("cases:print", args=[case.reference])
    page = login(relawan_alalak).get(url).content.decode()
    assert case.beneficiary.nik not in page and case.beneficiary.masked_nik in page
    assert login(relawan_kuin).get(url).status_code == 404
