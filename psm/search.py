"""Searches by NIK or phone number never put the number in a URL.

A list's search box (`q`) may hold an NIK. In a query string it would end up in the
browser's history, the proxy's access log and every link of the page (pager, sort, export).
So such a value travels sealed: `~` + a Fernet token of it (psm.crypto, the field key),
valid for SEALED_TTL. The rule for "personal" is the log redaction's (psm.logging).

- The search forms send a value that may be personal by POST (static/js/private-search.js
  turns htmx's GET into a POST); `search_view` answers 303 to the same list with the value
  sealed, so the address bar, history and HX-Push-Url only ever see the token.
- A GET that carries a personal value anyway (typed URL, no JavaScript) gets the same 303.
- The view itself sees the real value (`request.GET` unsealed); links it builds from the
  query go through `sealed_query` again.

Other values (names, `/cases/?q=Siti` bookmarks) stay plain GET parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase

from psm.crypto import InvalidToken, encrypt, fernet
from psm.logging import contains_personal_number

SEARCH_PARAM = "q"
SEALED = "~"
SEALED_TTL = timedelta(hours=12)
NOT_SENT_BACK = ("csrfmiddlewaretoken",)

View = Callable[..., HttpResponseBase]


class SeeOther(HttpResponseRedirect):
    """303: the browser follows a POST with a GET (htmx's XHR too)."""

    status_code = 303


def is_personal(value: str) -> bool:
    return contains_personal_number(value)


def seal(value: str) -> str:
    return SEALED + encrypt(value)


def unseal(value: str) -> str:
    """The sealed value; a plain value as it is; "" for a token expired, forged or broken."""
    if not value.startswith(SEALED):
        return value
    try:
        return fernet().decrypt(value[1:].encode(), ttl=int(SEALED_TTL.total_seconds())).decode()
    except (InvalidToken, ValueError, UnicodeError):
        return ""


def _mapped(query: QueryDict, change: Callable[[str], str]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key in query:
        values = query.getlist(key)
        result.setlist(key, [change(v) for v in values] if key == SEARCH_PARAM else values)
    return result


def sealed_query(query: QueryDict) -> QueryDict:
    """A mutable copy with every personal search value sealed (for links and redirects)."""
    return _mapped(query, lambda v: seal(v) if is_personal(v) else v)


def unsealed_query(query: QueryDict) -> QueryDict:
    result = _mapped(query, unseal)
    result._mutable = False
    return result


def carries_personal(query: QueryDict) -> bool:
    return any(is_personal(v) for v in query.getlist(SEARCH_PARAM))


def _see_other(request: HttpRequest, query: QueryDict) -> SeeOther:
    for name in NOT_SENT_BACK:
        query.pop(name, None)
    encoded = sealed_query(query).urlencode()
    return SeeOther(f"{request.path}?{encoded}" if encoded else request.path)


def search_params(view: View) -> View:
    """A view that reads a list's query (an export page): a personal value in the URL is
    sealed by a redirect; the view sees request.GET unsealed."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in ("GET", "HEAD") and carries_personal(request.GET):
            return _see_other(request, request.GET.copy())
        request.GET = unsealed_query(request.GET)  # type: ignore[assignment]
        return view(request, *args, **kwargs)

    return wrapped


def search_view(view: View) -> View:
    """A list with a search box: as `search_params`, and a POST of the search form is
    answered 303 to the list with its values (personal ones sealed)."""
    inner = search_params(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            return _see_other(request, request.POST.copy())
        return inner(request, *args, **kwargs)

    return wrapped
