from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from psm import views
from psm.accounts.forms import AdminLoginForm
from psm.admin import changelists_refuse_nul, periodic_task_form_fixed

admin.site.site_header = _("PSM Dinsos Kota Banjarmasin")
admin.site.site_title = _("PSM administration")
admin.site.login_form = AdminLoginForm
periodic_task_form_fixed(admin.site)
changelists_refuse_nul(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("psm.accounts.urls")),
    # The language switch works before login too (the login page has it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("volunteers.urls")),
    path("", include("cases.urls")),
    path("", include("reports.urls")),
    path("notifications/", include("psm.notifications.urls")),
]

urlpatterns += [path("accounts/2fa/", include("psm.security.urls"))]

# Indonesian error pages; a lost database answers 503 (psm/security/views.py).
handler400 = "psm.security.views.bad_request"
handler403 = "psm.security.views.permission_denied"
handler404 = "psm.security.views.page_not_found"
handler500 = "psm.security.views.server_error"
