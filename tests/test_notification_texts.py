"""Notification texts name the category, and in the app the person (issue 13, item 9); email
and WhatsApp carry the reference and the category only: never the person's name, NIK or
phone (a name next to a category such as HIV/AIDS is sensitive data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case
from cases.reminders import untriaged_cases
from cases.services import case_assign
from psm.notifications import channels
from psm.notifications.models import Notification, Reminder
from psm.notifications.services import reminders_create
from tests.cases_support import beneficiary, file_case

pytestmark = pytest.mark.django_db


def _outgoing(reminder: Reminder) -> str:
    message = channels.email_message(reminder, reminder.recipient)
    html = message.alternatives[0].content  # type: ignore[attr-defined]
    parts = [message.subject, message.body, html, channels.whatsapp_text(reminder)]
    return "\n".join(str(part) for part in parts)


def test_assignment_names_category_and_person_in_app_but_not_outside(petugas, relawan_alalak):
    case = file_case(relawan_alalak, beneficiary=beneficiary(phone="081234567890"))
    person = case.beneficiary
    case_assign(case=case, assignee=relawan_alalak, actor=petugas)

    reminder = Reminder.objects.get(kind="case_assigned")
    assert case.reference in reminder.title and case.category.name in reminder.title
    call_command("send_reminders", verbosity=0)
    note = Notification.objects.get(recipient=relawan_alalak)
    assert case.category.name in note.title
    assert person.name in note.body and case.kelurahan.name in note.body

    outgoing = _outgoing(reminder)
    assert case.reference in outgoing and case.category.name in outgoing
    assert person.name not in outgoing
    assert person.nik not in outgoing and "81234567890" not in outgoing


def test_set_based_triage_reminder_names_category_and_person_in_app_only(petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    Case.objects.filter(pk=case.pk).update(triage_due_at=timezone.now() - dt.timedelta(hours=1))
    assert reminders_create(specs=untriaged_cases(now=timezone.now())) == 1
    reminder = Reminder.objects.get(kind="triage_overdue")
    assert reminder.title == (
        f"Kasus {case.reference} ({case.category.name}) menunggu triase melewati batas waktunya"
    )
    assert reminder.private_body == (
        f"Orang: {case.beneficiary.name}, kelurahan {case.kelurahan.name}."
    )
    assert case.beneficiary.name not in _outgoing(reminder)
