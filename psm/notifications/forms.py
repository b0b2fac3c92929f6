from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from psm.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "whatsapp"]
        labels = {
            "email": _("Send reminders by email"),
            "whatsapp": _("Send reminders by WhatsApp/SMS"),
        }
        help_texts = {
            "email": _("To the email address of your account."),
            "whatsapp": _("To the phone number of your account."),
        }
