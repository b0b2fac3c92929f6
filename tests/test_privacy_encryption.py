"""NIK and phone numbers are encrypted at rest; a keyed hash finds an NIK; keys rotate."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Beneficiary
from cases.selectors import beneficiary_search
from psm import crypto
from psm.accounts.models import User
from psm.accounts.services import user_create
from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from tests.cases_support import beneficiary, file_case
from volunteers.models import Volunteer
from volunteers.services import volunteer_update

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"
WHATSAPP = "+6285298765432"
VOLUNTEER_NIK = generate_nik(birth_date=dt.date(1984, 3, 9), sex=SEX_MALE, serial=21)


def raw(table: str, columns: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


@pytest.fixture
def people(relawan_alalak, admin_user):
    person = beneficiary(phone=PHONE)
    volunteer_update(
        volunteer=relawan_alalak.volunteer,
        data={"nik": VOLUNTEER_NIK, "whatsapp": WHATSAPP},
        actor=admin_user,
    )
    officer = user_create(username="petugas_hp", role=User.Role.STAFF, phone=PHONE)
    return person, relawan_alalak.volunteer, officer


def _digits(phone: str) -> str:
    return phone.lstrip("+")[2:]  # without the country code: 81234567890


def test_no_plain_nik_or_phone_in_the_database_columns(people):
    person, volunteer, officer = people
    nik, phone, nik_hash = raw("cases_beneficiary", "nik, phone, nik_hash", person.pk)
    assert person.nik and person.nik not in nik and _digits(PHONE) not in phone
    assert nik.startswith("gAAAAA") and phone.startswith("gAAAAA")  # Fernet tokens
    assert nik_hash == crypto.nik_hash(person.nik) and person.nik not in nik_hash
    v_nik, v_whatsapp = raw("volunteers_volunteer", "nik, whatsapp", volunteer.pk)
    assert VOLUNTEER_NIK not in v_nik and _digits(WHATSAPP) not in v_whatsapp
    (u_phone,) = raw("accounts_user", "phone", officer.pk)
    assert _digits(PHONE) not in u_phone
    # ...and the application reads the plain values back.
    assert Beneficiary.objects.get(pk=person.pk).phone.as_e164 == PHONE
    assert Volunteer.objects.get(pk=volunteer.pk).nik == VOLUNTEER_NIK
    assert User.objects.get(pk=officer.pk).phone.as_e164 == PHONE


def test_a_lookup_by_the_encrypted_value_is_refused_not_silently_empty(people):
    person, _volunteer, _officer = people
    with pytest.raises(FieldError, match="encrypted"):
        Beneficiary.objects.filter(nik=person.nik).exists()
    with pytest.raises(FieldError):
        Beneficiary.objects.filter(nik__startswith=person.nik[:6]).exists()
    assert Beneficiary.objects.filter(nik_hash=crypto.nik_hash(person.nik)).get() == person
    assert Beneficiary.objects.filter(nik__isnull=False).count() == 1


def test_exact_nik_finds_the_person_in_intake_search_queue_and_roster(
    login, people, petugas, admin_user, relawan_kuin
):
    person, volunteer, _officer = people
    case = file_case(petugas, beneficiary=person)
    # Intake search: a volunteer of another kelurahan finds the person only by the full NIK.
    assert beneficiary_search(relawan_kuin, person.nik) == [person]
    assert beneficiary_search(relawan_kuin, person.nik[:10]) == []
    # An NIK in the URL is redirected to a sealed search (issue 14, item 2): follow it.
    queue = login(petugas).get(reverse("cases:list"), {"q": person.nik}, follow=True)
    assert case.reference in queue.content.decode()
    roster = login(admin_user).get(reverse("volunteers:list"), {"q": VOLUNTEER_NIK}, follow=True)
    assert volunteer.user.full_name in roster.content.decode()
    other = login(admin_user).get(
        reverse("volunteers:list"), {"q": "6371011203800099"}, follow=True
    )
    assert volunteer.user.full_name not in other.content.decode()


def test_a_nik_taken_by_another_volunteer_is_refused_through_the_hash(people, relawan_kuin):
    from volunteers.forms import VolunteerForm

    form = VolunteerForm(data={"nik": VOLUNTEER_NIK}, instance=relawan_kuin.volunteer)
    assert not form.is_valid()
    assert form.errors["nik"] == [str(_("A volunteer with this NIK is already registered."))]


def test_rotation_reencrypts_under_the_new_key_and_the_old_key_can_go(settings, relawan_alalak):
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key_a]
    person = beneficiary(phone=PHONE)
    officer = user_create(username="petugas_rotasi", role=User.Role.STAFF, phone=PHONE)
    token_a = raw("cases_beneficiary", "nik", person.pk)[0]
    assert Fernet(key_a).decrypt(token_a.encode()).decode() == person.nik

    settings.FIELD_ENCRYPTION_KEYS = [key_b]  # B alone cannot read A's data yet
    with pytest.raises(InvalidToken):
        Beneficiary.objects.get(pk=person.pk)

    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "cases_beneficiary" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [key_b]  # A dropped: still readable
    again = Beneficiary.objects.get(pk=person.pk)
    assert again.nik == person.nik and again.phone.as_e164 == PHONE
    assert User.objects.get(pk=officer.pk).phone.as_e164 == PHONE
    token_b = raw("cases_beneficiary", "nik", person.pk)[0]
    with pytest.raises(InvalidToken):
        Fernet(key_a).decrypt(token_b.encode())


def test_rehash_follows_a_new_nik_hash_key(settings, relawan_alalak):
    person = beneficiary()
    settings.NIK_HASH_KEY = "a-new-hash-key-for-this-test"
    assert not Beneficiary.objects.filter(nik_hash=crypto.nik_hash(person.nik)).exists()
    call_command("rotate_field_keys", "--rehash", stdout=io.StringIO())
    assert Beneficiary.objects.get(nik_hash=crypto.nik_hash(person.nik)) == person


def test_the_data_migration_encrypts_rows_stored_in_plain_text(relawan_alalak):
    person = beneficiary(phone=PHONE)
    plain_nik = generate_nik(birth_date=dt.date(1990, 1, 2), sex=SEX_FEMALE, serial=5)
    with connection.cursor() as cursor:  # as a row looked before the migration
        cursor.execute(
            "UPDATE cases_beneficiary SET nik = %s, phone = %s, nik_hash = NULL WHERE id = %s",
            [plain_nik, PHONE, person.pk],
        )
    migration = importlib.import_module("cases.migrations.0010_encrypt_existing_niks_phones")
    migration.encrypt(None, connection.schema_editor())
    nik, phone, nik_hash = raw("cases_beneficiary", "nik, phone, nik_hash", person.pk)
    assert plain_nik not in nik and _digits(PHONE) not in phone
    assert nik_hash == crypto.nik_hash(plain_nik)
    assert Beneficiary.objects.get(pk=person.pk).nik == plain_nik
    migration.decrypt(None, connection.schema_editor())  # the way back works too
    assert raw("cases_beneficiary", "nik", person.pk)[0] == plain_nik
