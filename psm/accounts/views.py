from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from psm.accounts.forms import LoginForm
from psm.accounts.services import invitation_accept, invitation_get_usable
from psm.ratelimit import limit

# Password-reset emails: per client address and per address asked for (case and spaces do
# not make a new address), so neither one client nor many can flood one mailbox.
RESET_RATE_PER_IP = "10/h"
RESET_RATE_PER_EMAIL = "3/h"


def _reset_email(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    pass


@method_decorator(limit("password_reset_ip", RESET_RATE_PER_IP, key="ip"), name="dispatch")
@method_decorator(
    limit("password_reset_email", RESET_RATE_PER_EMAIL, key=_reset_email), name="dispatch"
)
class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


@login_not_required
@never_cache
@sensitive_post_parameters()
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind an invitation link: choose a password once."""
    invitation = invitation_get_usable(token=token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your password is set. You can log in now."))
            return redirect("login")
    return render(
        request,
        "registration/invitation_accept.html",
        {"form": form, "invited_user": invitation.user, "title": _("Choose your password")},
    )
