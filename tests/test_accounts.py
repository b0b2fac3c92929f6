from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = ["relawan_alalak", "petugas", "kabid", "admin_user"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_logs_in_and_out(persona, request):
    user = request.getfixturevalue(persona)
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_keeps_the_form_and_says_so(relawan_alalak):
    response = Client().post(reverse("login"), {"username": "relawan_alalak", "password": "x"})
    assert response.status_code == 200
    assert "relawan_alalak" in response.content.decode()
    assert response.context["form"].errors


def test_home_page_differs_per_role(login, request):
    pages = {}
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        html = login(user).get("/").content.decode()
        pages[persona] = html
        assert f'data-role="{user.role}"' in html
    assert "Alalak Utara" in pages["relawan_alalak"]
    assert len(set(pages.values())) == len(PERSONAS)


def test_navigation_shows_admin_only_to_admin(login, relawan_alalak, admin_user):
    assert "/admin/" not in login(relawan_alalak).get("/").content.decode()
    assert "/admin/" in login(admin_user).get("/").content.decode()
    assert login(relawan_alalak).get("/admin/").status_code == 302  # not staff -> admin login
    assert login(admin_user).get("/admin/").status_code == 200


def test_every_menu_item_opens_for_the_roles_that_see_it(
    login, relawan_alalak, petugas, kabid, admin_user
):
    """Each menu link reverses (a wrong URL name fails here instead of vanishing from the
    menu) and opens for every role it is shown to; reports are for supervisors and admins."""
    from psm.context_processors import nav_items_for

    for user in (relawan_alalak, petugas, kabid, admin_user):
        client = login(user)
        for item in nav_items_for(user):
            if item["name"] != "admin:index":
                assert client.get(item["url"]).status_code == 200, (user.role, item["name"])
    reports = reverse("reports:report_monthly")
    assert reports in login(kabid).get("/").content.decode()
    assert reports in login(admin_user).get("/").content.decode()
    assert reports not in login(petugas).get("/").content.decode()


PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "set_language",
    "invitation_accept",
    # The field app's service worker and manifest carry no personal data (issue 17).
    "service_worker",
    "web_manifest",
}


def _all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _all_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _example_path(route: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<(?:int:)?[a-z_]*(?:id|pk)>", "1", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    return "/" + route.replace("\\", "")


def test_anonymous_is_sent_to_login_from_every_non_public_url(db):
    client = Client()
    checked = 0
    for route, pattern in _all_patterns():
        if pattern.name in PUBLIC or route.startswith("admin/") or route.startswith("i18n/"):
            continue
        path = _example_path(route)
        response = client.get(path)
        assert response.status_code == 302, (route, path, response.status_code)
        assert response["Location"].startswith(reverse("login")), route
        checked += 1
    assert checked >= 3


def test_admin_is_closed_to_anonymous(db):
    response = Client().get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_password_reset_sends_an_email_with_a_working_link(kabid):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "kabid@test.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert found, mail.outbox[0].body
    link = found.group(1)
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    new = "Banjarmasin-baru-2026"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    # django-axes needs the request that authenticates (it counts failures per client).
    request = RequestFactory().post(reverse("login"))
    assert Client().login(request=request, username="kabid", password=new)


def test_password_change_requires_the_old_password(login, petugas):
    client = login(petugas)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "salah",
            "new_password1": "Sasirangan-2026",
            "new_password2": "Sasirangan-2026",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Sasirangan-2026",
            "new_password2": "Sasirangan-2026",
        },
    )
    assert response.status_code == 302


def test_indonesian_is_the_default_language(db):
    html = Client().get(reverse("login")).content.decode()
    assert 'lang="id"' in html
    assert "Masuk" in html


def test_language_switch_to_english(db):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    html = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in html and "Log in" in html


def test_phone_must_be_indonesian_format(db):
    from django.core.exceptions import ValidationError

    from psm.accounts.services import user_create

    with pytest.raises(ValidationError):
        user_create(username="x1", role="volunteer", phone="12")
    user = user_create(username="x2", role="volunteer", phone="0812 3456 7890")
    assert user.phone.as_e164 == "+6281234567890"
