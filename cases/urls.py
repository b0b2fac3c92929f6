from django.urls import path

from cases.views import access_log, case, field, intake, outbox, people, queue

app_name = "cases"

urlpatterns = [
    path("cases/", queue.case_list, name="list"),
    path("triage/", queue.triage, name="triage"),
    path("triage/bulk/", queue.triage_bulk, name="triage_bulk"),
    path("triage/people/", queue.assignee_search, name="assignee_search"),
    path("access-log/", access_log.access_log, name="access_log"),
    path("cases/new/", intake.case_new, name="new"),
    # The field app's outbox (cases/services/outbox_kinds.py): one record per request, in JSON.
    path("outbox/send/<slug:kind>/", outbox.outbox_send, name="outbox_send"),
    path("outbox/token/", outbox.outbox_token, name="outbox_token"),
    path("outbox/", field.outbox, name="outbox"),
    # The installable field app: served from / so the service worker's scope is the site.
    path("sw.js", field.service_worker, name="service_worker"),
    path("manifest.webmanifest", field.web_manifest, name="web_manifest"),
    path("field/", field.field_home, name="field_home"),
    path("field/visit/", field.field_visit, name="field_visit"),
    path("cases/people/search/", intake.beneficiary_search, name="beneficiary_search"),
    path(
        "cases/people/<int:pk>/merge/<int:other_pk>/",
        people.beneficiary_merge,
        name="beneficiary_merge",
    ),
    path(
        "cases/people/<int:pk>/access-log/",
        access_log.beneficiary_access_log,
        name="beneficiary_access_log",
    ),
    path("cases/<str:reference>/", case.case_detail, name="detail"),
    path("cases/<str:reference>/print/", case.case_print, name="print"),
    path("cases/<str:reference>/transition/", case.case_transition, name="transition"),
    path("cases/<str:reference>/assign/", case.case_assign, name="assign"),
    path("cases/<str:reference>/note/", case.case_note, name="note"),
    path("cases/<str:reference>/visit/", case.case_visit, name="visit"),
    path("cases/<str:reference>/attachments/", case.case_attach, name="attach"),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/",
        case.attachment_download,
        name="attachment",
    ),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/thumbnail/",
        case.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
]
