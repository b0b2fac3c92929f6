from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from psm.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the badge never runs the query.
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}  # type: ignore[arg-type]
