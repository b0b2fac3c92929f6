from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,  # as User.username; longer input never reaches authentication
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocapitalize": "none", "autocomplete": "username"}
        ),
    )
    # Django's Indonesian catalogue says "Sandi" and repeats "nama pengguna" in this message
    # ("Masukkan nama pengguna nama pengguna ..."); the app says "kata sandi" everywhere.
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Both are case-sensitive: check Caps Lock."),
    }


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login with the site login's username field: Django's lets any length
    through to authentication, and django-axes then failed to log a 100,000-character
    username in its 255-character column (a 500)."""

    username = LoginForm.base_fields["username"]
