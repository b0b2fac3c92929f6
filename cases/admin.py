from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Beneficiary,
    Case,
    CaseEvent,
    Category,
    CollectiveLeave,
    SlaPolicy,
)
from psm.crypto import nik_hash
from psm.nik import typed_nik


class NikSearchMixin:
    """The NIK is encrypted: a search term of 16 digits is matched through its keyed hash."""

    nik_hash_path = "nik_hash"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if nik := typed_nik(search_term):
            return queryset.filter(**{self.nik_hash_path: nik_hash(nik)}), False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "default_priority", "is_active")
    list_filter = ("group", "default_priority", "is_active")
    search_fields = ("code", "name", "name_en")


@admin.register(Beneficiary)
class BeneficiaryAdmin(NikSearchMixin, admin.ModelAdmin):
    list_display = ("name", "kelurahan", "needs_dukcapil_referral", "merged_into", "created_at")
    list_filter = ("needs_dukcapil_referral", "kelurahan__kecamatan")
    search_fields = ("name", "kk_number")  # and a full NIK (NikSearchMixin)
    raw_id_fields = ("merged_into", "created_by")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "created_at", "from_status", "to_status", "note", "data")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the timeline is written by services only


@admin.register(Case)
class CaseAdmin(NikSearchMixin, admin.ModelAdmin):
    nik_hash_path = "beneficiary__nik_hash"
    list_display = ("reference", "status", "priority", "category", "kelurahan", "created_at")
    list_filter = ("status", "priority", "category", "kelurahan__kecamatan")
    search_fields = ("reference", "beneficiary__name")  # and a full NIK (NikSearchMixin)
    raw_id_fields = ("beneficiary", "reported_by", "assignee", "duplicate_of")
    # Status changes go through case_transition (guard + timeline), never this form.
    readonly_fields = (
        "reference",
        "status",
        "idempotency_key",
        "created_at",
        "last_event_at",
        # The SLA clock sets these (cases/sla.py); edit the policy instead.
        "triage_due_at",
        "due_at",
        "resolution_due_at",
    )
    inlines = [CaseEventInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """Changes apply to cases filed (or re-prioritised) afterwards; filed cases keep theirs."""

    list_display = ("__str__", "triage", "response", "resolution", "updated_at")
    list_filter = ("priority", ("category", admin.EmptyFieldListFilter))
    list_select_related = ("category",)
    fieldsets = (
        (None, {"fields": ("category", "priority")}),
        (_("Time to triage"), {"fields": (("triage_amount", "triage_unit"),)}),
        (_("Time to first response"), {"fields": (("response_amount", "response_unit"),)}),
        (_("Time to resolution"), {"fields": (("resolution_amount", "resolution_unit"),)}),
    )

    @staticmethod
    def _span(amount: int, unit: str) -> str:
        if unit == "minutes":
            return _("%(n)s minutes") % {"n": amount}
        return _("%(n)s working days") % {"n": amount}

    @admin.display(description=_("time to triage"))
    def triage(self, obj: SlaPolicy) -> str:
        return self._span(obj.triage_amount, obj.triage_unit)

    @admin.display(description=_("time to first response"))
    def response(self, obj: SlaPolicy) -> str:
        return self._span(obj.response_amount, obj.response_unit)

    @admin.display(description=_("time to resolution"))
    def resolution(self, obj: SlaPolicy) -> str:
        return self._span(obj.resolution_amount, obj.resolution_unit)


@admin.register(CollectiveLeave)
class CollectiveLeaveAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
