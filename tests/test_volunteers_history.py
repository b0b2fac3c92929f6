"""The volunteer page's history is the volunteer's pghistory rows: the services' own writes
with their action, and writes no service made (a bulk update) read from the snapshots."""

from __future__ import annotations

import re

import pghistory
import pytest
from django.urls import reverse

from volunteers.models import Volunteer, VolunteerHistory
from volunteers.services import volunteer_invite

pytestmark = pytest.mark.django_db


def _history(html: str) -> str:
    table = html.split(">Riwayat perubahan</h2>", 1)[1].split("</table>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)).replace(" :", ":")


def test_a_bulk_update_shows_with_its_fields_values_and_who_did_it(
    login, admin_user, kabid, relawan_alalak
):
    volunteer = relawan_alalak.volunteer
    with pghistory.context(user=kabid.pk, url="/maintenance"):
        Volunteer.objects.filter(pk=volunteer.pk).update(
            address="Jl. Sungai Andai", status="suspended"
        )
    row = volunteer.audit_history.latest("pgh_id")
    assert row.action == "" and row.changes is None  # no service annotated it
    history = _history(
        login(admin_user).get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()
    )
    assert "Alamat: – → Jl. Sungai Andai" in history
    assert "Status: Aktif → Diskors" in history
    assert str(kabid) in history


def test_an_invitation_is_its_own_row_with_its_action(login, admin_user, relawan_alalak):
    volunteer = relawan_alalak.volunteer
    volunteer_invite(volunteer=volunteer, base_url="http://testserver", actor=admin_user)
    row = volunteer.audit_history.latest("pgh_id")
    assert row.pgh_label == "invited" and row.action == VolunteerHistory.Action.INVITED
    assert row.actor == admin_user and row.nik_hash == volunteer.nik_hash
    history = _history(
        login(admin_user).get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()
    )
    assert "Undangan dikirim" in history
