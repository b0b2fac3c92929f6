"""/healthz and production settings, each checked in a separate process with a real env."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup();"
    "from django.test import Client;"
    "r = Client().get('/healthz', secure=True);"
    "print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))"
)


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "psm.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    # The suite runs with the machine's Redis (REDIS_URL) or the embedded broker.
    expected = "ok" if settings.REDIS_URL else "embedded (filesystem)"
    assert (body["broker"], body["broker_ok"], body["status"]) == (expected, True, "ok")


def test_healthz_reports_a_dead_broker_but_stays_200():
    # A port where no Redis listens: reminders wait, the web app still serves (200).
    result = _run(PROBE, REDIS_URL="redis://127.0.0.1:9/0", ALLOWED_HOSTS="testserver")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    body = answer["body"]
    assert (body["database"], body["broker_ok"], body["status"]) == ("ok", False, "unavailable")
    assert body["broker"] == "ConnectionError"


def test_healthz_is_503_when_the_database_is_down():
    # A port where no PostgreSQL listens: the real connection attempt fails.
    result = _run(
        PROBE,
        DATABASE_URL="postgres://postgres@127.0.0.1:9/psm",
        ALLOWED_HOSTS="testserver",
        DB_CONNECT_TIMEOUT="2",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["status"] == "unavailable"


PRODUCTION_ENV = {
    "DEBUG": "False",
    "PSM_TESTING": "0",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-for-the-check-only-Zq8",
    "ALLOWED_HOSTS": "psm.example.go.id",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "NIK_HASH_KEY": "y" * 20 + "-a-long-random-nik-hash-key-for-the-check-only",
    "EMAIL_URL": "smtp+tls://psm:secret@mail.example.go.id:587",
    "WHATSAPP_GATEWAY_URL": "https://wa.example.go.id/send",
    "WHATSAPP_GATEWAY_TOKEN": "z" * 32,
}


def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_refuses_the_console_email_backend_without_debug():
    without = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "EMAIL_URL"}, **without},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "psm.E001" in result.stderr
    assert "psm.E001" in _check_deploy(EMAIL_URL="consolemail://").stderr
    assert "psm.E001" in _check_deploy(EMAIL_URL="filemail:///tmp/mail").stderr


def test_check_deploy_refuses_the_console_whatsapp_sender_without_debug():
    result = _check_deploy(WHATSAPP_GATEWAY_URL="")
    assert result.returncode != 0
    assert "psm.E002" in result.stderr
    assert "psm.E002" in _check_deploy(WHATSAPP_GATEWAY_TOKEN="").stderr
    assert "psm.E00" not in _check_deploy().stderr


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _run("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEYS", "NIK_HASH_KEY"])
def test_production_refuses_to_start_without_field_encryption_keys(missing):
    result = _run("import django; django.setup()", **{**PRODUCTION_ENV, missing: ""})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS and NIK_HASH_KEY must be set" in result.stderr


def test_production_refuses_a_malformed_encryption_key():
    result = _run(
        "import django; django.setup()",
        **{**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"},
    )
    assert result.returncode != 0
    assert "must be Fernet keys" in result.stderr


def test_non_postgres_database_url_is_refused():
    result = _run("import django; django.setup()", DATABASE_URL="sqlite:///x.db")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr
