"""Values as people type them (issue 13, item 4): a coordinate pair is both halves or neither,
a +62 number comes back with its +62, an NIK typed with dashes or spaces is normalised."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Beneficiary, Case
from psm.nik import SEX_FEMALE, generate_nik
from tests.cases_support import file_case
from tests.test_cases_intake import NEW, intake_data
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


@pytest.mark.parametrize(("latitude", "longitude"), [("91", "0"), ("-3.3", "200"), ("-3.3", "")])
def test_half_a_coordinate_pair_is_not_stored(login, relawan_alalak, latitude, longitude):
    login(relawan_alalak).post(NEW, intake_data(latitude=latitude, longitude=longitude))
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (None, None)


def test_the_case_service_refuses_half_a_coordinate_pair(relawan_alalak):
    with pytest.raises(ValidationError, match="lintang dan bujur"):
        file_case(relawan_alalak, latitude=Decimal("-3.3"))
    assert not Case.objects.exists()


def test_a_whole_pair_is_stored(login, relawan_alalak):
    login(relawan_alalak).post(NEW, intake_data(latitude="-90", longitude="180"))
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (Decimal("-90"), Decimal("180"))


def test_a_plus_62_number_comes_back_with_its_plus_62(login, relawan_alalak):
    response = login(relawan_alalak).post(
        NEW,
        intake_data(phone="+6281255550101", description=""),  # an error: shown again
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert _input_value(response.content.decode(), "phone") == "+62 812-5555-0101"


def test_a_stored_whatsapp_number_is_shown_internationally(login, admin_user, relawan_alalak):
    from volunteers.services import volunteer_update

    volunteer = relawan_alalak.volunteer
    volunteer_update(volunteer=volunteer, actor=admin_user, data={"whatsapp": "081255550101"})
    response = login(admin_user).get(reverse("volunteers:edit", args=[volunteer.pk]))
    assert _input_value(response.content.decode(), "whatsapp") == "+62 812-5555-0101"


def _dashed(nik: str) -> str:
    return "-".join(nik[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    "spell", [_dashed, lambda n: " ".join(n[i : i + 4] for i in (0, 4, 8, 12))]
)
def test_an_nik_typed_with_dashes_or_spaces_is_normalised_at_intake(login, relawan_alalak, spell):
    birth = dt.date(1950, 4, 12)
    nik = generate_nik(birth_date=birth, sex=SEX_FEMALE)
    response = login(relawan_alalak).post(NEW, intake_data(nik=spell(nik)))
    assert response.status_code == 302, response.context["form"].errors
    assert Beneficiary.objects.get().nik == nik


def test_the_nik_box_lets_the_dashes_be_typed(login, relawan_alalak):
    html = login(relawan_alalak).get(NEW).content.decode()
    tag = re.search(r'<input[^>]*name="nik"[^>]*>', html).group(0)
    assert 'maxlength="24"' in tag


def test_an_nik_typed_with_dashes_is_normalised_on_the_roster(login, admin_user):
    from tests.test_volunteers_accounts import _create_form

    nik = generate_nik(birth_date=dt.date(1990, 3, 4), sex=SEX_FEMALE, serial=7)
    response = login(admin_user).post(reverse("volunteers:create"), _create_form(nik=_dashed(nik)))
    assert response.status_code == 302, response.context["form"].errors
    assert Volunteer.objects.get(user__username="siti_pelambuan").nik == nik
