from django.urls import path

from psm.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("badge/", views.notification_badge, name="badge"),
    path("settings/", views.preference_edit, name="preferences"),
]
