from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "psm.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from psm.security import checks  # noqa: F401 - registers the deploy checks
        from psm.security.middleware import mark_session_refreshed

        user_logged_in.connect(mark_session_refreshed, dispatch_uid="psm_session_refreshed")
