from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases.lookups import AnyOf
        from cases.models import Case

        Case._meta.get_field("assignee").register_lookup(AnyOf)
