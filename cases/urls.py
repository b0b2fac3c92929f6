from django.urls import path

from cases import (
    views,
    views_field,
    views_outbox,
    views_privacy,
    views_queue,
)

app_name = "cases"

urlpatterns = [
    path("cases/", views_queue.case_list, name="list"),
    path("triage/", views_queue.triage, name="triage"),
    path("triage/bulk/", views_queue.triage_bulk, name="triage_bulk"),
    path("triage/people/", views_queue.assignee_search, name="assignee_search"),
    path("access-log/", views_privacy.access_log, name="access_log"),
    path("cases/new/", views.case_new, name="new"),
    # The field app's outbox (cases/outbox.py): one record per request, answered in JSON.
    path("outbox/send/<slug:kind>/", views_outbox.outbox_send, name="outbox_send"),
    path("outbox/token/", views_outbox.outbox_token, name="outbox_token"),
    path("outbox/", views_field.outbox, name="outbox"),
    # The installable field app: served from / so the service worker's scope is the site.
    path("sw.js", views_field.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_field.web_manifest, name="web_manifest"),
    path("field/", views_field.field_home, name="field_home"),
    path("field/visit/", views_field.field_visit, name="field_visit"),
    path("cases/people/search/", views.beneficiary_search, name="beneficiary_search"),
    path(
        "cases/people/<int:pk>/merge/<int:other_pk>/",
        views.beneficiary_merge,
        name="beneficiary_merge",
    ),
    path(
        "cases/people/<int:pk>/access-log/",
        views_privacy.beneficiary_access_log,
        name="beneficiary_access_log",
    ),
    path("cases/<str:reference>/", views.case_detail, name="detail"),
    path("cases/<str:reference>/print/", views.case_print, name="print"),
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
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/thumbnail/",
        views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
]
