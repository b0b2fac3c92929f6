from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("cases/new/", views.case_new, name="new"),
    path("cases/people/search/", views.beneficiary_search, name="beneficiary_search"),
    path(
        "cases/people/<int:pk>/merge/<int:other_pk>/",
        views.beneficiary_merge,
        name="beneficiary_merge",
    ),
    path("cases/<str:reference>/", views.case_detail, name="detail"),
    path("cases/<str:reference>/transition/", views.case_transition, name="transition"),
    path("cases/<str:reference>/assign/", views.case_assign, name="assign"),
    path("cases/<str:reference>/note/", views.case_note, name="note"),
    path("cases/<str:reference>/visit/", views.case_visit, name="visit"),
    path("cases/<str:reference>/attachments/", views.case_attach, name="attach"),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
