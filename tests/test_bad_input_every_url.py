"""Bad input never gives a 500, on any URL (issue 13, item 2).

Every pattern in the URL conf (django.urls.get_resolver, through tests/authz_matrix.py, whose
object builders fill the path parameters with real objects: a case reference, a volunteer pk,
an admin row...) is sent, as every role (anonymous, volunteer, staff, supervisor, admin), by GET
and by POST, each bad value in turn:

* NUL inside a name (PostgreSQL text cannot hold it: a DataError wherever it reaches a query),
* a 100,000-character value (digits: also Python's int() limit of 4,300 digits),
* a lone surrogate (%ED%A0%80 in the query string; the same bytes raw, invalid UTF-8, in
  the POST body),
* non-ASCII digits ("٣" passes int() and \\d, "²" passes str.isdigit() but not int()).

The parameters are discovered, not listed by hand: first every page is opened as each role and
the names are collected from its <form>s (inputs, selects, textareas, buttons; for the form's
action URL), from htmx attributes (hx-get/hx-post: the element's name and its form's fields),
from the query strings of its links (page, sort, ...), and from the forms and django-filter
FilterSets in the template context (so a filter field that the page does not draw is sent too).

All the parameters of a URL get a bad value at once, not one parameter at a time. Django forms
and FilterSets clean every field whatever the others hold (full_clean never stops at the first
error), and the views read their parameters before they answer, so each field meets the value;
one parameter at a time would be ~20 times the requests for the same code paths, far beyond
the time this suite may take. Per URL and method, the first role let in (most privileged
first) sends one request per value; every other role sends one request with the four values
spread over the parameters (turned by one for each further role let in), and so does a role
turned away at the door (a redirect to the login page, a 403, a 405), which no parameter
reaches. The long value goes to at most 24 fields per request: a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is refused before any field is read.

Each request runs in a savepoint that is rolled back, so nothing a POST might do changes what
the next request sees. What it asserts: no 5xx, no exception escaping a view, no traceback in
the page. FOUND lists what it found the first time it ran, and which fix mended each.
"""

from __future__ import annotations

import time
import traceback
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import pytest
from django import forms
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django_filters import FilterSet

from psm.accounts.models import User
from tests import authz_matrix as m

pytestmark = pytest.mark.django_db

# What this walk found when it first ran, each mended in its own layer (see git log):
FOUND = [
    # cases.selectors.beneficiary_search: a search finds nobody for a NUL (DataError)
    "GET /cases/people/search/?q=Siti%00Aminah",
    # psm.admin.NulRefusingChangeList: an incorrect lookup, as Django answers a bad value
    "GET /admin/volunteers/activityreport/?status__exact=Siti%00Aminah",
    "GET /admin/volunteers/trainingparticipant/?attendance__exact=Siti%00Aminah",
    # psm.accounts.forms.AdminLoginForm: django-axes logged the username in 255 characters
    "POST /admin/login/ username=<100,000 characters>",
    # psm.admin.periodic_task_form_fixed: django-celery-beat's form raised KeyError('task')
    "POST /admin/django_celery_beat/periodictask/add/ task=<100,000 characters>",
    "POST /admin/django_celery_beat/periodictask/<id>/change/ task=<100,000 characters>",
    # psm.notifications.views.notification_read: next is a URL, never a view name
    "POST /notifications/<id>/read/ next=Siti<invalid UTF-8>",
]

# name -> (text for a query string, bytes for a POST body); both already encoded.
LONG = "9" * 100_000
BAD_VALUES: dict[str, tuple[str, bytes]] = {
    "nul": (quote("Siti\x00Aminah"), quote("Siti\x00Aminah").encode()),
    "long": (LONG, LONG.encode()),
    "surrogate": ("%ED%A0%80", b"Siti\xed\xa0\x80"),
    "digits": (quote("٣²"), quote("٣²").encode()),
}
# Below DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): a larger body is refused before any field is read.
LONG_FIELDS_PER_REQUEST = 24
ROLE_FIXTURES = {
    m.ANONYMOUS: None,
    User.Role.VOLUNTEER: "relawan_alalak",
    User.Role.STAFF: "petugas",
    User.Role.SUPERVISOR: "kabid",
    User.Role.ADMIN: "admin_user",
}
SKIP_NAMES = {"csrfmiddlewaretoken"}
# A plain GET answered by a redirect to a login page (LoginRequiredMiddleware, the admin's
# own check: before any view runs) or a 403 (the role check a view makes first) is turned
# away at the door, for either method: those get one request with the four values spread
# over the parameters, rather than one request per value.
LOGIN_REDIRECT = -302
# The first role let in (most privileged first) gets one request per value; each further role
# let in gets one request with the values spread over the parameters, turned by one each time,
# so over the roles every parameter still meets every value.
FULL_TREATMENT_ORDER = [
    User.Role.ADMIN,
    User.Role.SUPERVISOR,
    User.Role.STAFF,
    User.Role.VOLUNTEER,
    m.ANONYMOUS,
]
# A URL that offers no parameter (no form, link or context field names one): the probe sends
# four common names, one value each, to check that it ignores what it does not read.
UNOFFERED = ["q", "page", "sort", "next"]
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
TURNED_AWAY = {LOGIN_REDIRECT, 403}


class _FormFinder(HTMLParser):
    """(target URL, parameter name) pairs found in one page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.found: set[tuple[str, str]] = set()
        self._form_action: str | None = None
        self._form_fields: list[str] = []
        self._htmx_in_form: list[str] = []

    def _target(self, url: str | None) -> str:
        return urljoin(self.page, url or self.page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form_action = self._target(a.get("action"))
            self._form_fields, self._htmx_in_form = [], []
            self._add_query(self._form_action)
        if tag == "a" and a.get("href"):
            self._add_query(self._target(a["href"]))
        name = a.get("name")
        if name and tag in {"input", "select", "textarea", "button"}:
            if self._form_action is not None:
                self._form_fields.append(name)
                self.found.add((urlsplit(self._form_action).path, name))
            target = a.get("formaction")
            if target:
                self.found.add((urlsplit(self._target(target)).path, name))
        for attr in ("hx-get", "hx-post"):
            if a.get(attr):
                target = self._target(a[attr])
                self._add_query(target)
                if name:
                    self.found.add((urlsplit(target).path, name))
                if self._form_action is not None:
                    self._htmx_in_form.append(urlsplit(target).path)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form_action is not None:
            for path in self._htmx_in_form:  # htmx sends the enclosing form's fields
                self.found.update((path, field) for field in self._form_fields)
            self._form_action = None

    def _add_query(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            return
        for key, _value in parse_qsl(parts.query, keep_blank_values=True):
            self.found.add((parts.path, key))


def _context_fields(response: Any) -> set[str]:
    """Names of the forms' and FilterSets' fields in the template context."""
    names: set[str] = set()
    for context in response.context or []:
        for layer in getattr(context, "dicts", []):
            for value in layer.values():
                if isinstance(value, FilterSet):
                    value = value.form
                if isinstance(value, forms.BaseFormSet):
                    names.update(value.management_form.add_prefix(n) for n in ("TOTAL_FORMS",))
                    for form in value.forms[:1]:
                        names.update(form.add_prefix(n) for n in form.fields)
                elif isinstance(value, forms.BaseForm):
                    names.update(value.add_prefix(n) for n in value.fields)
    return names


def _paths(people: dict[str, User | None]) -> list[tuple[str, str]]:
    """(url name, path) for every named URL, its path parameters filled with real objects."""
    volunteer = people[User.Role.VOLUNTEER]
    assert volunteer is not None
    paths = []
    built: dict[Any, dict[str, Any]] = {}  # one report, one training... for all their URLs
    for name in m.url_names():
        entry = m.entry_for(name)
        assert entry is not None, f"{name} has no entry in tests/authz_matrix.py"
        kwargs = {}
        if entry.obj is not None:
            key = (entry.obj, name if entry.obj is m.admin_object else "")
            if key not in built:
                owner = m.Owner(volunteer.volunteer.kelurahan, volunteer, name)
                built[key] = dict(entry.obj(owner))
            kwargs = built[key]
        paths.append((name, reverse(name, kwargs=kwargs)))
    return paths


class _Requests:
    """One client per role; each request in a rolled-back savepoint; problems collected."""

    def __init__(self, people: dict[str, User | None]) -> None:
        self.people = people
        self.clients = {role: self._client(user) for role, user in people.items()}
        self.problems: list[str] = []
        self.count = 0

    @staticmethod
    def _client(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def send(self, role: str, method: str, path: str, query: str = "", body: bytes = b"") -> Any:
        client = self.clients[role]
        where = f"{role} {method} {path}?{query[:120]} {body[:120]!r}"
        self.count += 1
        response = None
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(f"{path}?{query}" if query else path)
                else:
                    response = client.generic(
                        "POST", path, body, content_type="application/x-www-form-urlencoded"
                    )
                transaction.set_rollback(True)
        except Exception as exc:  # the view raised: the test client re-raises it
            last = traceback.format_exception(exc)[-1].strip()
            self.problems.append(f"{where}: {last}")
        else:
            if response.status_code >= 500:
                self.problems.append(f"{where}: {response.status_code}")
            elif b"Traceback" in getattr(response, "content", b""):
                self.problems.append(f"{where}: a traceback in the page")
        # A logout (or a password change) in the rolled-back request must not end the
        # role's session for the requests after it; neither may a language switch.
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        user = self.people[role]
        touched = response is None or settings.SESSION_COOKIE_NAME in response.cookies
        if user is not None and touched and "_auth_user_id" not in client.session:
            client.force_login(user)
        return response


def _discover(
    requests: _Requests, paths: list[tuple[str, str]]
) -> tuple[dict[str, set[str]], dict[tuple[str, str], int]]:
    """(path -> every parameter name some page or context offers for it,
    (role, path) -> the status of a plain GET)."""
    found: dict[str, set[str]] = defaultdict(set)
    statuses: dict[tuple[str, str], int] = {}
    known_paths = {path for _name, path in paths}
    for role in requests.clients:
        for _name, path in paths:
            response = requests.send(role, "GET", path)
            statuses[role, path] = _plain_status(response)
            if response is None or response.status_code != 200:
                continue
            found[path].update(_context_fields(response))
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = _FormFinder(f"http://testserver{path}")
            parser.feed(response.content.decode(errors="replace"))
            for target, name in parser.found:
                if target in known_paths or _routed(target):
                    found[target].add(name)
    return {path: names - SKIP_NAMES for path, names in found.items()}, statuses


def _plain_status(response: Any) -> int:
    """The status, or LOGIN_REDIRECT for a redirect to the site's or the admin's login."""
    if response is None:
        return 500
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(LOGIN_PAGES):
        return LOGIN_REDIRECT
    return response.status_code


def _encoded(method: str, pairs: list[tuple[str, tuple[str, bytes]]]) -> tuple[str, bytes]:
    if method == "GET":
        return "&".join(f"{quote(n)}={v[0]}" for n, v in pairs), b""
    return "", b"&".join(quote(n).encode() + b"=" + v[1] for n, v in pairs)


def _send_each_value(
    requests: _Requests, role: str, method: str, path: str, names: list[str]
) -> None:
    for value in BAD_VALUES.values():
        for chunk in _chunks(names, value[0]):
            query, body = _encoded(method, [(n, value) for n in chunk])
            requests.send(role, method, path, query=query, body=body)


def _send_mixed(
    requests: _Requests, role: str, method: str, path: str, names: list[str], offset: int = 0
) -> None:
    """One request, the four values spread over the parameters (the long one on a few);
    `offset` turns the spread, so the next role gives each parameter another value."""
    values = list(BAD_VALUES.values())
    pairs = [(n, values[(i + offset) % len(values)]) for i, n in enumerate(names)]
    long_ones = [p for p in pairs if p[1][0] is LONG][:LONG_FIELDS_PER_REQUEST]
    pairs = [p for p in pairs if p[1][0] is not LONG] + long_ones
    query, body = _encoded(method, pairs)
    requests.send(role, method, path, query=query, body=body)


def _routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _chunks(names: list[str], value: str) -> Iterator[list[str]]:
    size = LONG_FIELDS_PER_REQUEST if value is LONG else max(len(names), 1)
    for start in range(0, max(len(names), 1), size):
        yield names[start : start + size]


@pytest.mark.timeout(1500)  # 4,019 requests: 270 s at a load of ~5 on 2 cores
def test_no_bad_value_in_any_parameter_of_any_url_gives_a_500(
    request, settings, relawan_alalak, relawan_kuin, petugas, kabid, admin_user
):
    settings.RATELIMIT_ENABLE = False  # hundreds of requests a minute from one address
    started = time.monotonic()
    people = {role: request.getfixturevalue(f) if f else None for role, f in ROLE_FIXTURES.items()}
    paths = _paths(people)
    requests = _Requests(people)
    parameters, plain = _discover(requests, paths)
    assert parameters["/cases/people/search/"] >= {"q"}, "the discovery missed the search box"
    assert {"status", "q"} <= parameters[reverse("cases:triage")], "no filter fields found"

    for _name, path in paths:
        offered = sorted(parameters.get(path, set()))
        names = offered or UNOFFERED
        for method in ("GET", "POST"):
            let_in = 0  # roles that got past the door so far
            for role in FULL_TREATMENT_ORDER:
                status = plain[role, path]
                if status in TURNED_AWAY or (method == "GET" and status == 405):
                    _send_mixed(requests, role, method, path, names)
                elif let_in == 0 and offered:
                    _send_each_value(requests, role, method, path, names)
                    let_in += 1
                else:
                    _send_mixed(requests, role, method, path, names, offset=let_in)
                    let_in += 1

    elapsed = time.monotonic() - started
    assert not requests.problems, (
        f"{len(requests.problems)} of {requests.count} requests failed:\n"
        + "\n".join(requests.problems[:60])
    )
    print(
        f"{requests.count} requests to {len(paths)} URLs in {elapsed:.0f} s "
        f"(this process: {time.process_time():.0f} s of CPU)"
    )
