from django.urls import path

from reports.views import dashboard, exports

app_name = "reports"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("reports/monthly/", exports.report_monthly, name="report_monthly"),
    path("reports/cases/", exports.export_cases, name="export_cases"),
    path("reports/log/", exports.export_log, name="export_log"),
]
