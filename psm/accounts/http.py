"""The request a signed-in view receives, typed (healthchecks' hc/accounts/http.py).

Every view but the few marked `login_not_required` sits behind LoginRequiredMiddleware, so
`request.user` is the app's User, never AnonymousUser: views annotate their request with
this class instead of casting `request.user` (or silencing mypy) one view at a time.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from psm.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails  # django_htmx.middleware.HtmxMiddleware sets it on every request
