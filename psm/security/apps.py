from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "psm.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from psm.security import checks  # noqa: F401 - registers the deploy checks
