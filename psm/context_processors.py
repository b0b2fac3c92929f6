from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from psm.accounts.models import User

R = User.Role
OFFICERS = {R.STAFF, R.SUPERVISOR, R.ADMIN}
EVERYONE = {R.VOLUNTEER, R.STAFF, R.SUPERVISOR, R.ADMIN}


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # Or the name of a setting naming `fn(user) -> bool`: a rule of an app above psm.
    rule_setting: str = ""

    def shown_to(self, user: User) -> bool:
        if self.rule_setting:
            return bool(import_string(getattr(settings, self.rule_setting))(user))
        return user.role in self.roles


# One list for the whole app: a page appears for the roles that may use it. A name that
# does not reverse is an error (tests/test_foundation.py), not a silently missing item.
NAV_ITEMS = [
    NavItem(_("Home"), "home", frozenset(EVERYONE)),
    NavItem(_("New case"), "cases:new", frozenset(), rule_setting="PSM_CASE_FILE_ALLOWED"),
    NavItem(_("Cases"), "cases:list", frozenset(EVERYONE)),
    NavItem(_("Triage"), "cases:triage", frozenset(OFFICERS)),
    NavItem(_("Dashboard"), "reports:dashboard", frozenset({R.STAFF, R.SUPERVISOR})),
    NavItem(_("Reports"), "reports:report_monthly", frozenset({R.SUPERVISOR, R.ADMIN})),
    NavItem(_("Volunteers"), "volunteers:list", frozenset(OFFICERS)),
    NavItem(_("Trainings"), "volunteers:trainings", frozenset(EVERYONE)),
    NavItem(_("Activity reports"), "volunteers:reports", frozenset(EVERYONE)),
    NavItem(_("Administration"), "admin:index", frozenset({R.ADMIN})),
]


def nav_items_for(user: User) -> list[dict[str, str]]:
    items = []
    for item in NAV_ITEMS:
        if not item.shown_to(user):
            continue
        url = reverse(item.url_name)
        items.append({"label": str(item.label), "url": url, "name": item.url_name})
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items_for(user)}  # type: ignore[arg-type]
