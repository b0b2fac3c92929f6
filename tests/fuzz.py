"""Hypothesis-driven form fuzzing (issue 8, item 7): bad input never gives a 500, never runs.

    statuses = fuzz_form(
        url=reverse("cases:new"),
        fields=["name", "nik", "category", "description"],
        client=lambda: login(relawan_alalak),           # a fresh Client per example
        valid={"category": st.just(str(category.pk))},  # sometimes a valid value, to get deeper
        files=["photo"],                                 # file fields get junk uploads too
        render_urls=lambda: [reverse("cases:list")],     # pages that show what was stored
    )
    assert 200 in statuses  # the form was re-shown with errors at least once

Each example POSTs one generated payload inside a transaction that is rolled back afterwards,
so examples do not see each other's data and the test database is left as it was. Payloads mix
random unicode, huge strings, HTML/script/htmx markup, SQL-looking text, template syntax, NUL
bytes, numbers-as-text, files where text is expected, missing fields, extra fields and repeated
fields. For every example it asserts:

* no 5xx (a view exception propagates out of the test client and fails the example too);
* in the POST response and in every `render_urls` page, none of the markup we sent appears as
  live markup (a tag, an event handler, a javascript: URL, an htmx attribute or script text
  carrying our marker): it may only appear escaped, as text or inside a harmless attribute.

Call it from a test that has database access (`db` or a persona fixture). Hypothesis prints
the smallest failing payload. Keep `max_examples` modest: the whole suite runs on every push.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MARKER = "psmxss"

MARKUP = [
    f"<script>{MARKER}(1)</script>",
    f'"><script>{MARKER}(2)</script>',
    f"'><img src=x onerror={MARKER}(3)>",
    f"<svg/onload={MARKER}(4)>",
    f'" autofocus onfocus="{MARKER}(5)',
    f"' onmouseover='{MARKER}(6)",
    f'<a href="javascript:{MARKER}(7)">klik</a>',
    f'<div hx-get="/admin/" hx-trigger="load">{MARKER}(8)</div>',
    f"<iframe srcdoc='<script>{MARKER}(9)</script>'></iframe>",
    f"</textarea><script>{MARKER}(10)</script>",
    f"</title><script>{MARKER}(11)</script>",
    f"<style>body{{background:url(javascript:{MARKER}(12))}}</style>",
]
SQL = [
    "' OR '1'='1' --",
    "'; DROP TABLE accounts_user; --",
    '" OR ""="',
    "admin'--",
    "1; SELECT pg_sleep(0)--",
    "') UNION SELECT username, password FROM accounts_user --",
    "\\'; --",
    "%' AND 1=1 AND '%'='",
]
ODD = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "\r\n\r\n",
    "\u202eakitamnaB",  # right-to-left override
    "\ufeffBOM",
    "🧒🏽‍👩‍👧 Banjar",
    "Z̸̢̛a̷l̶g̴o̵",
    "{{ request.user.password }}",
    "{% debug %}",
    "${7*7}",
    "%(username)s %s %n",
    "../../../etc/passwd",
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999999999",
    "0x1F",
    "true",
    "null",
    "None",
    "[]",
    "{}",
    "6371" + "9" * 60,  # an NIK that never ends
]


def _text() -> st.SearchStrategy[str]:
    nasty = st.sampled_from(MARKUP + SQL + ODD)
    return st.one_of(
        st.text(max_size=60),  # any unicode (no lone surrogates: they cannot be sent)
        nasty,
        st.tuples(st.text(max_size=15), nasty, st.text(max_size=15)).map("".join),
        st.builds(lambda ch, n: ch * n, st.characters(), st.integers(1_000, 300_000)),
    )


def _junk_file() -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(
        lambda name, body, ctype: SimpleUploadedFile(name, body, content_type=ctype),
        st.sampled_from(["foto.jpg", "x.php", "../../evil.sh", "tanpa nama", "a" * 300 + ".png"]),
        st.one_of(st.binary(max_size=2_000), st.just(f"<script>{MARKER}(0)</script>".encode())),
        st.sampled_from(["image/jpeg", "text/html", "application/octet-stream", ""]),
    )


def _field_value(valid: st.SearchStrategy[str] | None) -> st.SearchStrategy[Any]:
    text = _text() if valid is None else st.one_of(valid, valid, _text())
    return st.one_of(
        text,
        text,
        text,
        st.lists(text, min_size=0, max_size=3),  # repeated field (or sent with no value)
        _junk_file(),  # a file where text is expected
    )


MISSING = object()


@st.composite
def payloads(
    draw: st.DrawFn,
    fields: Sequence[str],
    valid: Mapping[str, st.SearchStrategy[str]],
    files: Sequence[str],
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in fields:
        value = draw(st.one_of(st.just(MISSING), _field_value(valid.get(name))))
        if value is not MISSING:
            data[name] = value
    for name in files:
        value = draw(st.one_of(st.just(MISSING), _junk_file(), _text()))
        if value is not MISSING:
            data[name] = value
    extra_names = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    for name, value in draw(st.dictionaries(extra_names, _text(), max_size=3)).items():
        data.setdefault(name, value)
    return data


class _LiveMarkup(HTMLParser):
    """Collects places where MARKER reached the page as markup rather than as text."""

    HARMLESS_ATTRIBUTES = {"value", "title", "placeholder", "alt", "aria-label", "label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw_text_tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if MARKER in tag:
            self.found.append(f"<{tag}> tag")
        for name, value in attrs:
            if MARKER in name:
                self.found.append(f"<{tag} {name}> attribute name")
            elif value and MARKER in value and name not in self.HARMLESS_ATTRIBUTES:
                self.found.append(f"<{tag} {name}={value[:80]!r}>")
        if tag in {"script", "style"}:
            self._raw_text_tag = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw_text_tag:
            self._raw_text_tag = None

    def handle_data(self, data: str) -> None:
        if self._raw_text_tag and MARKER in data:
            self.found.append(f"inside <{self._raw_text_tag}>: {data[:80]!r}")


def live_markup(html: str) -> list[str]:
    """Where MARKER appears as markup in `html` (empty when everything was escaped)."""
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    found = parser.found
    if f"<script>{MARKER}" in html:
        found.append("raw <script> from the input")
    return found


class _Text(HTMLParser):
    """The text a reader sees: character data outside <script>/<style>, and the values
    of form fields (an <input value> or a <textarea> shows the text as typed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"value", "title"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def shown_as_text(html: str, value: str) -> bool:
    """True when `value` is on the page as text a person reads, character for character
    (escaped in the HTML, not dropped, not cut, not turned into markup)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    squash = " ".join
    return squash(value.split()) in squash(" ".join(parser.parts).split())


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"
    content_type = response.get("Content-Type", "")
    if MARKER in (body := response.content.decode(errors="replace")) and "html" in content_type:
        found = live_markup(body)
        assert not found, f"{what}: input rendered as live markup: {found}"


def _as_query(value: Any) -> Any:
    if isinstance(value, SimpleUploadedFile):
        return value.name
    if isinstance(value, list):
        return [_as_query(v) for v in value]
    return value


class _Rollback(Exception):
    pass


def fuzz_form(
    *,
    url: str,
    fields: Sequence[str],
    client: Callable[[], Client],
    valid: Mapping[str, st.SearchStrategy[str]] | None = None,
    files: Sequence[str] = (),
    render_urls: Callable[[], Sequence[str]] = lambda: (),
    max_examples: int = 60,
    method: str = "post",
    headers: Mapping[str, str] | None = None,
) -> Counter[int]:
    """POST (or GET: `method="get"`, e.g. list filters) generated payloads to `url`; return
    how often each status code was answered. A GET sends a junk file as its name."""
    statuses: Counter[int] = Counter()
    if method not in ("get", "post"):
        raise ValueError(method)

    @settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(payload=payloads(list(fields), dict(valid or {}), list(files)))
    def run(payload: dict[str, Any]) -> None:
        for upload in payload.values():
            if isinstance(upload, SimpleUploadedFile):
                upload.seek(0)  # hypothesis may replay the same object while shrinking
        try:
            with transaction.atomic():
                browser = client()
                if method == "get":
                    query = {k: _as_query(v) for k, v in payload.items()}
                    response = browser.get(url, data=query, headers=headers)
                else:
                    response = browser.post(url, data=payload, headers=headers)
                statuses[response.status_code] += 1
                _check(response, f"{method.upper()} {url}")
                for page in render_urls():
                    _check(browser.get(page), f"GET {page} after {method.upper()} {url}")
                raise _Rollback
        except _Rollback:
            pass

    run()
    return statuses
