from django.contrib import admin

from volunteers.models import Kecamatan, Kelurahan, Volunteer


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
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("user", "kelurahan", "status", "appointed_on")
    list_filter = ("status", "kelurahan__kecamatan")
    search_fields = ("user__full_name", "user__username")
    raw_id_fields = ("user",)
