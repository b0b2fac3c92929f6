from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from psm import views

admin.site.site_header = _("PSM Dinsos Kota Banjarmasin")
admin.site.site_title = _("PSM administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("psm.accounts.urls")),
    # The language switch works before login too (the login page has it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("volunteers.urls")),
    path("", include("cases.urls")),
    path("notifications/", include("psm.notifications.urls")),
]
