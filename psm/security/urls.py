from django.urls import path

from psm.security import views

app_name = "security"

urlpatterns = [
    path("setup/", views.otp_setup, name="otp_setup"),
    path("verify/", views.otp_verify, name="otp_verify"),
]
