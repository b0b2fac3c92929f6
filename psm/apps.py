"""Third-party apps under names a person reads in the Django admin (issue 13, item 8).

django-axes, django-otp's TOTP plugin and django-celery-beat show their app labels in English
("Axes", "Otp_Totp", "Periodic Tasks", "Clocked", ...) and axes' Indonesian catalogue calls its
access log "Log akses", the name of psm's own access log. Each app is listed in INSTALLED_APPS
through a subclass of its own AppConfig (label and behaviour unchanged) that gives the app and
its models names through our gettext catalogue.

The model names are set on `_meta` after the models load: migrations read a model's options
from its Meta class as written (`_meta.original_attrs`), so no migration in these apps changes.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig


def _rename(config: AppConfig, names: dict[str, tuple[Promise, Promise]]) -> None:
    for model_name, (singular, plural) in names.items():
        meta = config.get_model(model_name)._meta
        meta.verbose_name = singular  # type: ignore[assignment]
        meta.verbose_name_plural = plural  # type: ignore[assignment]


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")

    def ready(self) -> None:
        super().ready()
        _rename(
            self,
            {
                "AccessAttempt": (_("login attempt"), _("login attempts")),
                "AccessLog": (_("login record"), _("login history")),
                "AccessFailureLog": (_("failed login"), _("failed logins")),
            },
        )


class OtpTotpConfig(TotpConfig):
    verbose_name = _("Two-factor authentication")

    def ready(self) -> None:
        super().ready()
        _rename(self, {"TOTPDevice": (_("authenticator app"), _("authenticator apps"))})


class CeleryBeatConfig(BeatConfig):
    verbose_name = _("Scheduled tasks")

    def ready(self) -> None:
        super().ready()
        _rename(
            self,
            {
                "PeriodicTask": (_("scheduled task"), _("scheduled tasks")),
                "ClockedSchedule": (_("one-off schedule"), _("one-off schedules")),
                "CrontabSchedule": (_("crontab schedule"), _("crontab schedules")),
                "IntervalSchedule": (_("interval schedule"), _("interval schedules")),
                "SolarSchedule": (_("sunrise/sunset schedule"), _("sunrise/sunset schedules")),
            },
        )
