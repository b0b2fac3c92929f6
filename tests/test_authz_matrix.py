"""Every URL x every role (x own/other kelurahan object) answers as tests/authz_matrix.py says."""

from __future__ import annotations

import fnmatch

import pytest
from django.test import Client
from django.urls import path, reverse

from psm.accounts.models import User
from psm.views import home
from tests import authz_matrix as m

CASES = [
    pytest.param(name, variant, id=f"{name}[{variant}]")
    for name in m.url_names()
    if (entry := m.entry_for(name)) is not None
    for variant in entry.variants()
]


def test_every_named_url_has_a_matrix_entry():
    missing = [name for name in m.url_names() if m.entry_for(name) is None]
    assert not missing, (
        f"URL names without an authorization entry: {missing}. Add one line each to MATRIX "
        "in tests/authz_matrix.py (see the top of that file)."
    )


def test_every_matrix_key_matches_a_url():
    names = m.url_names()
    stale = [key for key in m.MATRIX if not fnmatch.filter(names, key)]
    assert not stale, f"MATRIX entries for URLs that do not exist (renamed?): {stale}"


def test_every_url_pattern_has_a_name():
    unnamed = [
        route
        for route, name in m.url_patterns()
        if name is None and not route.startswith(m.UNNAMED_ALLOWED_PREFIXES)
    ]
    assert not unnamed, f"unnamed URL patterns cannot be in the matrix; name them: {unnamed}"


def _outcome(response, expected: m.Expected) -> bool:
    location = response.get("Location", "")
    if expected == m.LOGIN:
        return response.status_code == 302 and location.startswith(reverse("login"))
    if expected == m.ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith(reverse("admin:login"))
    return response.status_code == expected


def _describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} -> {location}" if location else str(response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "variant"), CASES)
def test_role_gets_the_expected_status(
    url_name, variant, relawan_alalak, relawan_kuin, petugas, kabid, admin_user
):
    entry = m.entry_for(url_name)
    kwargs: dict[str, object] = {}
    if entry.obj is not None:
        volunteer = relawan_kuin if variant == "other" else relawan_alalak
        owner = m.Owner(volunteer.volunteer.kelurahan, volunteer, url_name)
        kwargs = dict(entry.obj(owner))
    url = reverse(url_name, kwargs=kwargs)
    people: dict[str, User | None] = {
        m.ANONYMOUS: None,
        User.Role.VOLUNTEER: relawan_alalak,  # the visitor: "own" objects lie in Alalak Utara
        User.Role.STAFF: petugas,
        User.Role.SUPERVISOR: kabid,
        User.Role.ADMIN: admin_user,
    }
    wrong = []
    for role, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = getattr(client, entry.method)(url, data=entry.data)
        expected = entry.expected_for(role, variant)
        if not _outcome(response, expected):
            wrong.append(f"  {role:<10} expected {expected!s:<12} got {_describe(response)}")
    assert not wrong, f"{entry.method.upper()} {url} ({variant}):\n" + "\n".join(wrong)


# --- POST-only URLs: a real POST per role x own/other kelurahan -------------------------------

POST_CASES = [
    pytest.param(name, variant, role, id=f"{name}[{variant}]-{role}")
    for name, row in sorted(m.POST_ROWS.items())
    for variant in row.variants()
    for role in m.ROLES
]


def test_every_post_only_url_has_post_rows():
    missing = [name for name in m.post_only_urls() if name not in m.POST_ROWS]
    assert not missing, f"POST-only URLs without a PostRow in tests/authz_matrix.py: {missing}"
    stale = [name for name in m.POST_ROWS if name not in m.url_names()]
    assert not stale, f"PostRows for URLs that do not exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "variant", "role"), POST_CASES)
def test_post_by_role_answers_and_writes_as_the_matrix_says(
    url_name, variant, role, relawan_alalak, relawan_kuin, petugas, kabid, admin_user
):
    row = m.POST_ROWS[url_name]
    volunteer = relawan_kuin if variant == "other" else relawan_alalak
    owner = m.Owner(volunteer.volunteer.kelurahan, volunteer, url_name)
    kwargs = dict(row.obj(owner)) if row.obj is not None else {}
    in_url = kwargs if row.in_url else {k: kwargs[k] for k in row.url_keys}
    url = reverse(url_name, kwargs=in_url)
    people: dict[str, User | None] = {
        m.ANONYMOUS: None,
        User.Role.VOLUNTEER: relawan_alalak,
        User.Role.STAFF: petugas,
        User.Role.SUPERVISOR: kabid,
        User.Role.ADMIN: admin_user,
    }
    user = people[role]
    client = Client()
    if user is not None:
        client.force_login(user)
    probe = user or relawan_alalak
    before = row.state(kwargs, probe)
    response = client.post(url, data=row.data(owner, kwargs))
    after = row.state(kwargs, probe)
    expected = row.expected_for(role, variant)
    assert _outcome(response, expected), f"POST {url} as {role}: {_describe(response)}"
    writes = row.writes_for(role, variant)
    assert (after != before) == writes, (
        f"POST {url} as {role} ({variant}): expected the database "
        f"{'changed' if writes else 'unchanged'}; before {before!r}, after {after!r}"
    )


# --- the guard itself can fail ---------------------------------------------------------------


def _urlconf_plus(*extra):
    from psm import urls

    # A class, not a module path: get_resolver() caches by it, so it must be hashable.
    return type("UrlConf", (), {"urlpatterns": [*urls.urlpatterns, *extra]})


def test_a_new_url_without_an_entry_fails_the_matrix(settings):
    settings.ROOT_URLCONF = _urlconf_plus(path("baru/", home, name="halaman_baru"))
    with pytest.raises(AssertionError, match="halaman_baru"):
        test_every_named_url_has_a_matrix_entry()


def test_a_new_unnamed_url_fails_the_matrix(settings):
    settings.ROOT_URLCONF = _urlconf_plus(path("tanpa-nama/", home))
    with pytest.raises(AssertionError, match="tanpa-nama/"):
        test_every_url_pattern_has_a_name()


@pytest.mark.django_db
def test_a_wrong_expectation_is_reported_per_role(
    monkeypatch, relawan_alalak, relawan_kuin, petugas, kabid, admin_user
):
    monkeypatch.setitem(m.MATRIX, "home", m.roles(default=200, volunteer=403))
    with pytest.raises(AssertionError, match=r"volunteer +expected 403 +got 200") as failure:
        test_role_gets_the_expected_status(
            "home", "-", relawan_alalak, relawan_kuin, petugas, kabid, admin_user
        )
    assert "staff" not in str(failure.value)
