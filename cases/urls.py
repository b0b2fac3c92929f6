from django.urls import path

from cases import views_dashboard, views_queue

app_name = "cases"

urlpatterns = [
    path("cases/", views_queue.case_list, name="list"),
    path("triage/", views_queue.triage, name="triage"),
    path("triage/bulk/", views_queue.triage_bulk, name="triage_bulk"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    # TEMP until merge with feat/cases (its detail view replaces this line)
    path("cases/<str:reference>/", views_queue.case_list, name="detail"),
    path("cases/new/", views_queue.case_list, name="new"),
]
