from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from psm.accounts.http import AuthenticatedHttpRequest
from psm.notifications import selectors, services
from psm.notifications.forms import PreferenceForm
from psm.pagination import paginate

PAGE_SIZE = 25


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    only_unread = request.GET.get("unread") == "1"
    notifications = selectors.notifications_for(user=user)
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = paginate(request, notifications, PAGE_SIZE, counted=True)
    context = {"page": page, "only_unread": only_unread}
    return render(request, "notifications/notification_list.html", context)


@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    # Opening a notification marks it read and follows its link when it is ours.
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # a URL: redirect() would read "Siti" as a view name
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_GET
def notification_badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"notifications_unread": selectors.unread_count(user=request.user)}
    return render(request, "notifications/_badge.html", context)


def preference_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
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
