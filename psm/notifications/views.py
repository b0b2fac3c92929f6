from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from psm.accounts.models import User
from psm.notifications import selectors, services
from psm.notifications.forms import PreferenceForm

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    only_unread = request.GET.get("unread") == "1"
    notifications = selectors.notifications_for(user=user)
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "only_unread": only_unread}
    return render(request, "notifications/notification_list.html", context)


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(user=_user(request), pk=pk)
    services.notification_mark_read(notification=notification)
    # Opening a notification marks it read and follows its link when it is ours.
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # a URL: redirect() would read "Siti" as a view name
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=_user(request))
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    context = {"notifications_unread": selectors.unread_count(user=_user(request))}
    return render(request, "notifications/_badge.html", context)


def preference_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    preference = selectors.preference_for(user=user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_update(
            user=user,
            email=form.cleaned_data["email"],
            whatsapp=form.cleaned_data["whatsapp"],
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    context = {"form": form, "has_email": bool(user.email), "has_phone": bool(user.phone)}
    return render(request, "notifications/preferences.html", context)
