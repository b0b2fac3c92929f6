"""Crawl every page as each role and as an anonymous visitor and check the protections.

Seeds are every GET route without arguments in the URL conf; links found on the pages
are followed too (same site, one path each), so a new page is covered as soon as it is
routed or linked. For each answer: no server error, the security headers, cookie flags,
no DEBUG page, no script without this response's nonce, no NIK/KK or phone number in a URL.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from psm.logging import contains_personal_number

pytestmark = pytest.mark.django_db

ROLES = [None, "relawan_alalak", "petugas", "kabid", "admin_user"]
MAX_PAGES_PER_ROLE = 400
PER_SHAPE = 2  # /admin/volunteers/kelurahan/<n>/change/: two of each shape suffice
URL_ATTRIBUTES = {"href", "src", "action", "hx-get", "hx-post", "hx-put", "hx-delete", "formaction"}
NON_JS_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def no_argument_routes(resolver=None, prefix: str = "") -> list[str]:
    """Every routed path that needs no argument, e.g. /accounts/login/, /cases/new/."""
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        regex = pattern.regex
        if regex.groups or getattr(pattern, "converters", None):
            continue
        route = str(pattern).lstrip("^").removesuffix("$").replace("\\Z", "")
        if isinstance(entry, URLResolver):
            paths += no_argument_routes(entry, prefix + route)
        elif isinstance(entry, URLPattern) and not re.search(r"[\\()\[\]*+?|]", route):
            paths.append("/" + prefix + route)
    return paths


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.append(value)
            if name.startswith("on"):
                self.inline_handlers.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and value and value.strip().lower().startswith("javascript:"):
                self.inline_handlers.append(f"<{tag} {name}=javascript:>")
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag == "script":
            self.scripts.append(found)


def check_response(path: str, response, who: str) -> list[str]:
    problems: list[str] = []
    where = f"{who} GET {path} -> {response.status_code}"
    if response.status_code >= 500:
        return [f"{where}: server error"]
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "style-src 'self'",
    ):
        if directive not in csp:
            problems.append(f"{where}: CSP lacks {directive!r}: {csp!r}")
    script_src = re.search(r"script-src ([^;]*)", csp)
    if not script_src or "'unsafe-inline'" in script_src.group(1):
        problems.append(f"{where}: script-src must be 'self' + nonce: {csp!r}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append(f"{where}: {name} is {headers.get(name)!r}")
    policy = headers.get("Permissions-Policy", "")
    for feature in ("geolocation=(self)", "camera=(self)", "microphone=()", "payment=()"):
        if feature not in policy:
            problems.append(f"{where}: Permissions-Policy lacks {feature}: {policy!r}")
    for name, morsel in response.cookies.items():
        if not morsel["httponly"] or morsel["samesite"] not in ("Lax", "Strict"):
            problems.append(f"{where}: cookie {name} lacks HttpOnly/SameSite")
    location = headers.get("Location", "")
    if contains_personal_number(location):
        problems.append(f"{where}: personal number in redirect {location}")

    if response.status_code != 200 or "text/html" not in headers.get("Content-Type", ""):
        return problems
    html = response.content.decode()
    if "DEBUG = True" in html or "Traceback" in html:
        problems.append(f"{where}: a DEBUG page")
    nonce = re.search(r"'nonce-([^']+)'", script_src.group(1) if script_src else "")
    parser = PageParser()
    parser.feed(html)
    for script in parser.scripts:
        if (script.get("type") or "").lower() in NON_JS_SCRIPT_TYPES:
            continue
        src = script.get("src")
        if src:
            if urlsplit(src).netloc:
                problems.append(f"{where}: script from another origin {src}")
        elif not nonce or script.get("nonce") != nonce.group(1):
            problems.append(f"{where}: inline <script> without this response's nonce")
    for handler in parser.inline_handlers:
        problems.append(f"{where}: inline event handler {handler} (blocked by the CSP)")
    for url in parser.urls:
        if contains_personal_number(url):
            problems.append(f"{where}: personal number in a URL: {url}")
    return problems


def shape(path: str) -> str:
    """The path with every segment holding a digit generalised: one page per template."""
    return "/".join("<n>" if re.search(r"\d", part) else part for part in path.split("/"))


def crawl(client: Client, who: str) -> tuple[set[str], list[str]]:
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    problems: list[str] = []
    queue = deque(no_argument_routes())
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen or shapes.get(shape(path), 0) >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape(path)] = shapes.get(shape(path), 0) + 1
        if contains_personal_number(path):
            problems.append(f"{who}: personal number in a linked path {path}")
        response = client.get(path)
        problems += check_response(path, response, who)
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            parser = PageParser()
            parser.feed(response.content.decode())
            for link in parser.links:
                target = urlsplit(urljoin(path, link))
                if target.scheme or target.netloc or not target.path.startswith("/"):
                    continue
                if target.path.startswith((settings.STATIC_URL, "/i18n/")):
                    continue
                if target.path not in seen:
                    queue.append(target.path)
    return seen, problems


@pytest.fixture
def people_with_phone_numbers(relawan_alalak, petugas, kabid, admin_user):
    """Personas whose records hold phone numbers: pages that show them must not link them."""
    from psm.accounts.services import user_create

    user_create(username="relawan_telp", role="volunteer", phone="0812 3456 7890")
    for user in (relawan_alalak, petugas):
        user.phone = "+6281345678901"
        user.save()
    return {"relawan_alalak": relawan_alalak, "petugas": petugas, "kabid": kabid}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_page_is_protected_for_every_role(role, request, people_with_phone_numbers):
    assert not settings.DEBUG
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    seen, problems = crawl(client, role or "anonymous")
    assert not problems, "\n".join(problems[:40])
    assert "/accounts/login/" in seen
    if role == "admin_user":
        assert any(path.startswith("/admin/accounts/user/") for path in seen)


def test_the_crawler_catches_what_it_looks_for(rf):
    """The checks above must be able to fail: feed them a page with every fault."""
    from django.http import HttpResponse

    bad = HttpResponse(
        '<script>alert(1)</script><a href="/cases/?nik=6371010101900001">x</a>'
        '<a href="/x/081234567890/">y</a><button onclick="go()">z</button>'
    )
    bad.set_cookie("leaky", "1")
    problems = check_response("/bad/", bad, "test")
    text = "\n".join(problems)
    for expected in (
        "CSP lacks",
        "X-Frame-Options",
        "Permissions-Policy",
        "cookie leaky",
        "inline <script>",
        "personal number in a URL: /cases/?nik=",
        "personal number in a URL: /x/0812",
        "inline event handler",
    ):
        assert expected in text, (expected, text)


def test_routes_without_arguments_are_found_from_the_url_conf():
    routes = no_argument_routes()
    assert {"/", "/accounts/login/", "/healthz", "/accounts/2fa/setup/", "/admin/"} <= set(routes)
    assert not any("<" in route for route in routes)


PROD_PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
r = Client().get('/accounts/login/', secure=True)
cookies = {k: {'secure': bool(m['secure']), 'httponly': bool(m['httponly']),
               'samesite': m['samesite']} for k, m in r.cookies.items()}
print(json.dumps({'status': r.status_code, 'cookies': cookies,
                  'hsts': r.headers.get('Strict-Transport-Security', ''),
                  'session_secure': settings.SESSION_COOKIE_SECURE,
                  'require_2fa': settings.REQUIRE_2FA}))
"""


def test_production_settings_mark_cookies_secure_send_hsts_and_require_2fa():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.test_health_and_deploy import PRODUCTION_ENV

    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "ALLOWED_HOSTS": "testserver",
        # Static files are hashed at deploy time; the probe renders without collectstatic.
        "DJANGO_SETTINGS_MODULE": "psm.settings",
    }
    env.pop("REQUIRE_2FA", None)
    code = "import django.conf;" + PROD_PROBE.replace(
        "django.setup()",
        "django.setup();"
        "settings_ = django.conf.settings;"
        "settings_.STORAGES['staticfiles']['BACKEND']="
        "'django.contrib.staticfiles.storage.StaticFilesStorage'",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    assert answer["cookies"]["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert answer["session_secure"] is True
    assert answer["hsts"].startswith("max-age=31536000")
    assert answer["require_2fa"] is True
