from django.urls import path

from volunteers.views import reports, roster, trainings

app_name = "volunteers"

urlpatterns = [
    path("volunteers/", roster.volunteer_list, name="list"),
    path("volunteers/new/", roster.volunteer_create_view, name="create"),
    path("volunteers/export/", roster.volunteer_export, name="export"),
    path("volunteers/import/", roster.volunteer_import, name="import"),
    path("volunteers/<int:pk>/", roster.volunteer_detail, name="detail"),
    path("volunteers/<int:pk>/edit/", roster.volunteer_edit, name="edit"),
    path("volunteers/<int:pk>/status/", roster.volunteer_status, name="status"),
    path("volunteers/<int:pk>/deactivate/", roster.volunteer_deactivate_view, name="deactivate"),
    path("volunteers/<int:pk>/invite/", roster.volunteer_invite_view, name="invite"),
    path("volunteers/reports/", reports.report_list, name="reports"),
    path("volunteers/reports/new/", reports.report_create, name="report_create"),
    path("volunteers/reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("volunteers/reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("volunteers/reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("volunteers/reports/<int:pk>/review/", reports.report_review, name="report_review"),
    path("trainings/", trainings.training_list, name="trainings"),
    path("trainings/new/", trainings.training_create_view, name="training_create"),
    path("trainings/<int:pk>/", trainings.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", trainings.training_edit, name="training_edit"),
    path("trainings/<int:pk>/invite/", trainings.training_invite_view, name="training_invite"),
    path(
        "trainings/<int:pk>/participants/<int:participant_pk>/",
        trainings.training_attendance,
        name="training_attendance",
    ),
]
