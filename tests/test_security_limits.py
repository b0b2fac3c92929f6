"""Rate limits, upload limits and the Indonesian error pages."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ratelimit_urls")]


def test_rate_limit_answers_429_in_indonesian_and_resets_next_window(login, relawan_alalak):
    client = login(relawan_alalak)
    start = timezone.now().replace(second=5)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            assert client.post("/test/limited/").status_code == 200
        response = client.post("/test/limited/")
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert "Terlalu banyak permintaan" in response.content.decode()
        assert client.get("/test/limited/").status_code == 200  # only POSTs count here
        traveller.shift(dt.timedelta(minutes=1))
        assert client.post("/test/limited/").status_code == 200


def test_rate_limit_counts_each_user_apart(login, relawan_alalak, relawan_kuin):
    alalak, kuin = login(relawan_alalak), login(relawan_kuin)
    for _ in range(4):
        alalak.post("/test/limited/")
    assert alalak.post("/test/limited/").status_code == 429
    assert kuin.post("/test/limited/").status_code == 200


def test_intake_over_its_limit_keeps_the_form_and_files_nothing(
    login, relawan_alalak, relawan_kuin
):
    from cases.models import Case
    from tests.test_cases_intake import NEW, intake_data

    client = login(relawan_alalak)
    start = timezone.now().replace(second=5)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(20):  # 20 POSTs a minute are allowed, even invalid ones count
            assert client.post(NEW, intake_data(name="", address="")).status_code == 200
        assert client.get(NEW).status_code == 200  # only POSTs count
        response = client.post(NEW, intake_data(name="Siti Limit", address="Jl. Batas No. 20"))
        assert response.status_code == 429 and response["Retry-After"] == "60"
        html = response.content.decode()
        assert "kasus BELUM dikirim" in html
        assert 'value="Siti Limit"' in html and 'value="Jl. Batas No. 20"' in html
        assert 'id="intake-form"' in html
        assert not Case.objects.exists()
        # per user (another person: the same one again would be asked "same person?")
        assert login(relawan_kuin).post(NEW, intake_data(name="Siti Kuin")).status_code == 302
        traveller.shift(dt.timedelta(minutes=1))
        assert client.post(NEW, intake_data()).status_code == 302
    assert Case.objects.count() == 2


def test_rate_limit_uses_redis_when_configured():
    """Production shares counts between web nodes through Redis (db 4 here)."""
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings; from django.core.cache import cache;"
        "from django.test import RequestFactory;"
        "from django_ratelimit.core import get_usage;"
        "r = RequestFactory().post('/', REMOTE_ADDR='10.7.7.7');"
        "u = [get_usage(r, group='psm.probe', key='ip', rate='5/m', method='POST',"
        " increment=True) for _ in range(6)];"
        "print(json.dumps({'backend': settings.CACHES['default']['BACKEND'],"
        " 'counts': [x['count'] for x in u], 'limited': u[-1]['should_limit']}))"
    )
    import redis

    server = redis.Redis.from_url("redis://127.0.0.1:6379/4")
    server.flushdb()
    env = {
        **os.environ,
        "PSM_TESTING": "0",
        "DEBUG": "True",
        "REDIS_URL": "redis://127.0.0.1:6379/4",
        "DJANGO_SETTINGS_MODULE": "psm.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert answer["counts"] == [1, 2, 3, 4, 5, 6] and answer["limited"]
    assert any(b"psm.probe" in key or b"rl:" in key for key in server.keys("*"))
    server.flushdb()


def test_database_cache_table_is_created_by_migrate(settings):
    from django.core.cache import cache
    from django.db import connection

    assert settings.CACHES["default"]["LOCATION"] == "psm_cache"
    assert "psm_cache" in connection.introspection.table_names()
    cache.set("psm-probe", "ok", 30)
    assert cache.get("psm-probe") == "ok"


# --- Uploads -------------------------------------------------------------------------


def _photo(n: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"foto{n}.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")


def test_too_many_files_get_a_413_page_not_a_500(login, relawan_alalak, settings):
    client = login(relawan_alalak)
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    assert limit >= 5  # intake allows five photos; the margin absorbs form quirks
    ok = client.post("/test/upload/", {"files": [_photo(n) for n in range(5)]})
    assert ok.status_code == 200 and ok.content == b"5 files, 0 fields"
    response = client.post("/test/upload/", {"files": [_photo(n) for n in range(limit + 1)]})
    assert response.status_code == 413
    assert "Unggahan terlalu besar" in response.content.decode()


def test_request_body_over_the_limit_is_refused_before_reading(login, relawan_alalak, settings):
    settings.PSM_MAX_REQUEST_BYTES = 50_000
    client = login(relawan_alalak)
    big = SimpleUploadedFile("besar.jpg", b"0" * 60_000, "image/jpeg")
    response = client.post("/test/upload/", {"file": big})
    assert response.status_code == 413
    assert "Unggahan terlalu besar" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_oversized_form_fields_get_a_413_page(login, relawan_alalak, settings):
    client = login(relawan_alalak)
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post("/test/upload/", {"description": text})
    assert response.status_code == 413


# --- Error pages ---------------------------------------------------------------------


@pytest.fixture
def quiet_client(login, petugas):
    client = login(petugas)
    client.raise_request_exception = False
    return client


def test_not_found_page_is_indonesian(quiet_client):
    response = quiet_client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_forbidden_page_is_indonesian(quiet_client):
    response = quiet_client.get("/test/forbidden/")
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_a_bug_gives_an_indonesian_500_page_without_details(quiet_client):
    response = quiet_client.get("/test/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Terjadi kesalahan" in html
    assert "6371010101900001" not in html and "Traceback" not in html


def test_a_lost_database_gives_503_not_500(quiet_client):
    response = quiet_client.get("/test/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Layanan sementara tidak tersedia" in response.content.decode()


def test_expired_form_gets_an_indonesian_csrf_page(petugas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(petugas)
    response = client.post("/accounts/password/change/", {})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()
