from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik, mask_nik, parse_nik, validate_nik
from tests.factories import NikFactory

TODAY = dt.date(2026, 11, 27)
birth_dates = st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY)
sexes = st.sampled_from([SEX_MALE, SEX_FEMALE])


@given(birth=birth_dates, sex=sexes, serial=st.integers(1, 9999))
def test_generated_nik_passes_validator_and_encodes_birth_date_and_sex(birth, sex, serial):
    nik = generate_nik(birth_date=birth, sex=sex, serial=serial)
    info = validate_nik(nik, birth_date=birth, sex=sex, today=TODAY)
    assert info.sex == sex
    assert (info.birth_date.day, info.birth_date.month) == (birth.day, birth.month)
    assert info.birth_date.year % 100 == birth.year % 100


def test_nik_factory_output_passes_the_validator():
    for _ in range(200):
        row: dict = NikFactory()  # type: ignore[assignment]
        validate_nik(row["nik"], birth_date=row["birth_date"], sex=row["sex"])


def test_female_nik_adds_40_to_the_day():
    nik = generate_nik(birth_date=dt.date(1980, 3, 5), sex=SEX_FEMALE, serial=1)
    assert nik == "6371014503800001"
    assert parse_nik(nik, today=TODAY).sex == SEX_FEMALE


@given(st.text(alphabet="0123456789", min_size=0, max_size=30).filter(lambda s: len(s) != 16))
def test_wrong_length_is_refused_with_the_length(value):
    with pytest.raises(ValidationError) as err:
        parse_nik(value, today=TODAY)
    assert err.value.code in {"nik_length", "nik_digits"}


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("6371013201800001", "nik_birth_date"),  # day 32
        ("6371013113800001", "nik_birth_date"),  # month 13
        ("6371017202800001", "nik_birth_date"),  # female day 32
        ("6371013002800001", "nik_birth_date"),  # 30 February
        ("9971010101800001", "nik_province"),
        ("6300010101800001", "nik_region"),
        ("6371010101800000", "nik_serial"),
        ("63710101018O0001", "nik_digits"),
    ],
)
def test_structural_errors_say_what_is_wrong(nik, code):
    with pytest.raises(ValidationError) as err:
        parse_nik(nik, today=TODAY)
    assert err.value.code == code


def test_sex_mismatch_is_explained():
    male_nik = generate_nik(birth_date=dt.date(1990, 6, 1), sex=SEX_MALE, serial=7)
    with pytest.raises(ValidationError) as err:
        validate_nik(male_nik, sex=SEX_FEMALE, today=TODAY)
    assert "40" in str(err.value)


def test_birth_date_mismatch_is_explained():
    nik = generate_nik(birth_date=dt.date(1990, 6, 1), sex=SEX_MALE, serial=7)
    with pytest.raises(ValidationError) as err:
        validate_nik(nik, birth_date=dt.date(1990, 6, 2), today=TODAY)
    assert err.value.error_list[0].code == "nik_birth_mismatch"


def test_mask_keeps_region_and_serial_only():
    assert mask_nik("6371014503800001") == "6371********0001"
    assert mask_nik("") == ""
