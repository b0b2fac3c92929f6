"""Personas used across the suite (style.md §6): the people who use psm."""

from __future__ import annotations

import pytest
from django.test import Client

from psm.accounts.models import User
from psm.accounts.services import user_create
from volunteers.models import Kelurahan, Volunteer
from volunteers.services import volunteer_create

PASSWORD = "kata-sandi-uji-123"


def _volunteer(username: str, kelurahan_name: str) -> User:
    user = user_create(
        username=username,
        role=User.Role.VOLUNTEER,
        full_name=f"Relawan {kelurahan_name}",
        password=PASSWORD,
    )
    volunteer_create(
        user=user,
        kelurahan=Kelurahan.objects.get(name=kelurahan_name),
        status=Volunteer.Status.ACTIVE,
    )
    return user


@pytest.fixture
def relawan_alalak(db) -> User:
    """A PSM volunteer serving Alalak Utara (Banjarmasin Utara)."""
    return _volunteer("relawan_alalak", "Alalak Utara")


@pytest.fixture
def relawan_kuin(db) -> User:
    """A PSM volunteer serving Kuin Cerucuk (Banjarmasin Barat)."""
    return _volunteer("relawan_kuin", "Kuin Cerucuk")


@pytest.fixture
def petugas(db) -> User:
    """A Dinsos case officer."""
    return user_create(
        username="petugas",
        role=User.Role.STAFF,
        full_name="Petugas Dinsos",
        email="petugas@test.invalid",
        password=PASSWORD,
    )


@pytest.fixture
def kabid(db) -> User:
    """Kepala Bidang Rehabilitasi Sosial, a supervisor."""
    return user_create(
        username="kabid",
        role=User.Role.SUPERVISOR,
        full_name="Kabid Rehsos",
        email="kabid@test.invalid",
        password=PASSWORD,
    )


@pytest.fixture
def admin_user(db) -> User:
    """The system administrator (named admin_user: pytest-django owns `admin_user` too)."""
    return user_create(
        username="admin",
        role=User.Role.ADMIN,
        full_name="Admin Sistem",
        email="admin@test.invalid",
        password=PASSWORD,
    )


@pytest.fixture
def login():
    """login(user) -> a Client logged in as that user."""

    def _login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def jpeg_bytes():
    """jpeg_bytes() -> a small JPEG with EXIF GPS, as a phone camera makes it."""
    from tests.cases_support import jpeg_with_gps

    return jpeg_with_gps


@pytest.fixture(autouse=True)
def _no_map_tiles(settings):
    """No test fetches map tiles from the internet (a test that wants tiles sets a local URL)."""
    settings.MAP_TILE_URL = ""


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments of a test go to its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_reference_lists():
    """Each test reads the kelurahan and category lists from its own database: a rolled-back
    test sends no signal, so its rows could otherwise stay in psm.cachedlists."""
    from psm.cachedlists import clear_all

    clear_all()
    yield
    clear_all()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every transactional test uses serialized rollback, so one plain `pytest` runs them all.

    A transactional test ends with a `flush`. Without serialized rollback that flush runs
    post_migrate, which creates the content types and permissions again under NEW ids; a
    later serialized-rollback test (the browser journeys, tests/test_cases_concurrency.py)
    then loads its snapshot, whose content type 1 is a pair another id already holds: an
    IntegrityError on django_content_type. With serialized rollback everywhere each
    transactional test starts from the migrations' data (kelurahan, categories) and leaves
    the tables empty, whatever ran before it.
    """
    from pytest_django.fixtures import validate_django_db

    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or "django_db_serialized_rollback" in names:
            continue
        marker = item.get_closest_marker("django_db")
        by_marker = marker is not None and validate_django_db(marker)[0]
        if by_marker or "transactional_db" in names or "live_server" in names:
            names.append("django_db_serialized_rollback")
