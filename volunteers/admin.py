from django.contrib import admin

from psm.admin import ReadOnlyAdmin
from volunteers.models import (
    ActivityReport,
    Kecamatan,
    Kelurahan,
    Training,
    TrainingParticipant,
    Volunteer,
    VolunteerHistory,
)


class KelurahanInline(admin.TabularInline):
    model = Kelurahan
    extra = 0


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("name", "code")
    inlines = [KelurahanInline]


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kecamatan")
    list_filter = ("kecamatan",)
    search_fields = ("name", "code")


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    """Never deleted (cases point at volunteers): deactivate on the roster instead."""

    list_display = ("user", "kelurahan", "status", "appointed_on", "sk_year")
    list_filter = ("status", "kelurahan__kecamatan")
    search_fields = ("user__full_name", "user__username")
    raw_id_fields = ("user",)
    exclude = ("nik", "nik_hash")


@admin.register(VolunteerHistory)
class VolunteerHistoryAdmin(ReadOnlyAdmin):
    list_display = ("pgh_obj", "action", "pgh_label", "actor", "pgh_created_at")
    list_filter = ("action", "pgh_label")
    raw_id_fields = ("pgh_obj", "actor")


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_on", "ends_on", "is_basic_psm", "capacity")


@admin.register(TrainingParticipant)
class TrainingParticipantAdmin(ReadOnlyAdmin):
    list_display = ("training", "volunteer", "attendance", "certificate_number")
    list_filter = ("attendance",)


@admin.register(ActivityReport)
class ActivityReportAdmin(ReadOnlyAdmin):
    list_display = ("volunteer", "month", "status", "reviewed_by")
    list_filter = ("status",)
