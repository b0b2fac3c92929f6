from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases.lookups import AnyOf
        from cases.models import Case

        Case._meta.get_field("assignee").register_lookup(AnyOf)
        Case._meta.get_field("beneficiary").register_lookup(AnyOf)  # the name search

        # What the case views write to the access log (psm knows none of it).
        from psm.accesslog.kinds import ACCESS_KINDS

        ACCESS_KINDS.register("CASE", "case", _("Case"))
        ACCESS_KINDS.register("BENEFICIARY", "beneficiary", _("Person"))
        ACCESS_KINDS.register("ATTACHMENT", "attachment", _("Attachment"))
        # An exact-NIK search at intake (a hit or a miss: guessing shows as many misses).
        ACCESS_KINDS.register("NIK_LOOKUP", "nik_lookup", _("NIK lookup"))
