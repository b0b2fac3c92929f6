from django.contrib import admin

from cases.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "default_priority", "is_active")
    list_filter = ("group", "default_priority", "is_active")
    search_fields = ("code", "name", "name_en")
