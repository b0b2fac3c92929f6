from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from psm.nik import (
    SEX_FEMALE,
    SEX_MALE,
    generate_nik,
    mask_nik,
    normalise_nik,
    parse_nik,
    validate_nik,
)
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


# --- literal NIKs of known (invented) people: the full date, not the year mod 100 ---------
# Written out by hand, not made with generate_nik: a parser that reads the century wrong
# (a child born 2010 stored as 1910) or forgets the +40 for women fails here.
@pytest.mark.parametrize(
    ("nik", "birth", "sex"),
    [
        ("6371011506900003", dt.date(1990, 6, 15), SEX_MALE),  # a man born 1990
        ("6371010203100012", dt.date(2010, 3, 2), SEX_MALE),  # a boy born 2010
        ("6371025508850001", dt.date(1985, 8, 15), SEX_FEMALE),  # a woman: day 15 + 40
        ("6371047112990044", dt.date(1999, 12, 31), SEX_FEMALE),  # 31 + 40 = 71
        ("6371052902000007", dt.date(2000, 2, 29), SEX_MALE),  # 29 February of a leap year
        ("6371056902960002", dt.date(1996, 2, 29), SEX_FEMALE),  # 29 February, a woman
        ("6371010101270001", dt.date(1927, 1, 1), SEX_MALE),  # 2027 is still to come
        ("6371012711260001", dt.date(2026, 11, 27), SEX_MALE),  # born today
        ("6371012811260001", dt.date(1926, 11, 28), SEX_MALE),  # tomorrow of 2026: 1926
    ],
)
def test_literal_niks_give_the_full_birth_date_and_sex(nik, birth, sex):
    info = parse_nik(nik, today=TODAY)
    assert (info.birth_date, info.sex) == (birth, sex)
    assert (info.province, info.regency, info.kecamatan, info.serial) == (
        nik[0:2],
        nik[2:4],
        nik[4:6],
        nik[12:16],
    )
    assert validate_nik(nik, birth_date=birth, sex=sex, today=TODAY) == info


@pytest.mark.parametrize(
    "nik",
    [
        "6371012902010001",  # 29 February 2001 and 1901: no such day
        "6371016902010001",  # the same for a woman
        "6371010000900001",  # day 0, month 0
        "6371014002900001",  # day 40: a woman's day 0
        "6371010100900001",  # month 0
        "6371013204900001",  # day 32
        "6371017204900001",  # a woman's day 32
    ],
)
def test_literal_impossible_birth_dates_are_refused(nik):
    with pytest.raises(ValidationError) as err:
        parse_nik(nik, today=TODAY)
    assert err.value.code == "nik_birth_date"


def test_generated_nik_is_written_out_digit_by_digit():
    assert generate_nik(birth_date=dt.date(2010, 3, 2), sex=SEX_MALE, serial=12) == (
        "6371010203100012"
    )
    assert (
        generate_nik(birth_date=dt.date(1999, 12, 31), sex=SEX_FEMALE, region="637104", serial=44)
        == "6371047112990044"
    )


@pytest.mark.parametrize(
    ("nik", "ok"),
    [
        ("1171010101900001", True),  # Aceh, the first province code
        ("9671010101900001", True),  # Papua Barat Daya, the last (2022)
        ("6371010101900001", True),  # Kalimantan Selatan
        ("1071010101900001", False),
        ("2071010101900001", False),
        ("3071010101900001", False),
        ("6671010101900001", False),
        ("9771010101900001", False),
        ("0071010101900001", False),
    ],
)
def test_province_codes(nik, ok):
    if ok:
        assert parse_nik(nik, today=TODAY).province == nik[:2]
    else:
        with pytest.raises(ValidationError) as err:
            parse_nik(nik, today=TODAY)
        assert err.value.code == "nik_province"


@pytest.mark.parametrize(
    "nik", ["6300010101900001", "6371000101900001", "0000000101900001", "6371 01010190001"]
)
def test_region_zero_and_non_digits_are_refused(nik):
    with pytest.raises(ValidationError):
        parse_nik(nik, today=TODAY)


def test_whitespace_around_an_nik_is_ignored():
    assert parse_nik(" 6371011506900003 ", today=TODAY).birth_date == dt.date(1990, 6, 15)


def test_sex_and_birth_date_mismatch_name_both_and_match_the_day_month_and_year():
    man = "6371011506900003"
    with pytest.raises(ValidationError) as err:
        validate_nik(man, birth_date=dt.date(1990, 6, 16), sex=SEX_FEMALE, today=TODAY)
    assert [e.code for e in err.value.error_list] == ["nik_sex", "nik_birth_mismatch"]
    assert "15-06-90" in str(err.value) and "16-06-1990" in str(err.value)
    woman = "6371025508850001"
    with pytest.raises(ValidationError) as err:
        validate_nik(woman, sex=SEX_MALE, today=TODAY)
    assert [e.code for e in err.value.error_list] == ["nik_sex"]
    for wrong in (dt.date(1985, 9, 15), dt.date(1986, 8, 15)):
        with pytest.raises(ValidationError):
            validate_nik(woman, birth_date=wrong, today=TODAY)
    # A birth date a century apart is the same NIK (the NIK has two year digits).
    assert validate_nik(woman, birth_date=dt.date(1885, 8, 15), today=TODAY).sex == SEX_FEMALE
    # No sex given, or another value: only the structure is checked.
    assert validate_nik(woman, sex="", today=TODAY).sex == SEX_FEMALE


def test_mask_hides_any_wrong_length_entirely():
    assert mask_nik("12345") == "*****"
    assert mask_nik(None) == ""
    assert mask_nik("6371011506900003") == "6371********0003"


def test_nik_validator_uses_todays_date():
    from psm.nik import nik_validator

    nik_validator("6371011506900003")
    with pytest.raises(ValidationError):
        nik_validator("6371011506900000")


# Kemendagri's province codes, written out (the Papua provinces of 2022 included).
PROVINCES = """
11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65
71 72 73 74 75 76 81 82 91 92 93 94 95 96
"""


def test_every_province_code_and_no_other_is_accepted():
    provinces = {int(code) for code in PROVINCES.split()}
    assert len(provinces) == 38
    for code in range(100):
        nik = f"{code:02d}71011506900003"
        if code in provinces:
            assert parse_nik(nik, today=TODAY).province == f"{code:02d}"
        else:
            with pytest.raises(ValidationError) as err:
                parse_nik(nik, today=TODAY)
            assert err.value.code == "nik_province", code


# --- killed survivors of `make mutate` (docs/mutation-testing.md) ---------------------------
@pytest.mark.parametrize(
    ("nik", "birth", "sex"),
    [
        ("6371014101900001", dt.date(1990, 1, 1), SEX_FEMALE),  # a woman born on the 1st: 41
        ("6371014001900001", None, None),  # day 40 is no one's day
        ("6371018101900001", None, None),  # day 81 is not a woman's day 41
    ],
)
def test_the_day_40_boundary(nik, birth, sex):
    if birth is None:
        with pytest.raises(ValidationError):
            parse_nik(nik, today=TODAY)
    else:
        info = parse_nik(nik, today=TODAY)
        assert (info.birth_date, info.sex) == (birth, sex)


def test_the_birth_date_error_names_exactly_digits_7_to_12():
    with pytest.raises(ValidationError) as err:
        parse_nik("6371013201900001", today=TODAY)
    assert "(320190)" in str(err.value)


def test_each_sex_mismatch_has_its_own_message():
    from django.utils.translation import gettext

    man, woman = "6371011506900003", "6371025508850001"
    with pytest.raises(ValidationError) as err:
        validate_nik(man, sex=SEX_FEMALE, today=TODAY)
    assert err.value.messages == [
        gettext(
            "This NIK belongs to a man: for a woman the birth day in the NIK is increased by 40."
        )
    ]
    with pytest.raises(ValidationError) as err:
        validate_nik(woman, sex=SEX_MALE, today=TODAY)
    assert err.value.messages == [
        gettext(
            "This NIK belongs to a woman (birth day increased by 40), but the sex entered is male."
        )
    ]


def test_a_birth_date_a_day_earlier_than_the_nik_is_a_mismatch_too():
    with pytest.raises(ValidationError) as err:
        validate_nik("6371011506900003", birth_date=dt.date(1990, 6, 14), today=TODAY)
    assert err.value.error_list[0].code == "nik_birth_mismatch"


def test_mask_of_a_value_longer_than_an_nik_hides_everything():
    assert mask_nik("63710115069000031") == "*" * 17


def test_generated_serials_are_drawn_from_0001_to_9999():
    class Bounds:
        asked: tuple[int, int] | None = None

        def randint(self, low: int, high: int) -> int:
            self.asked = (low, high)
            return low

    rng = Bounds()
    nik = generate_nik(birth_date=dt.date(1990, 6, 15), sex=SEX_MALE, rng=rng)  # type: ignore[arg-type]
    assert rng.asked == (1, 9999) and nik.endswith("0001")


def test_an_nik_copied_with_dashes_spaces_or_dots_keeps_only_its_digits():
    assert normalise_nik("6371-0101 0190.0001\t") == "6371010101900001"
    assert normalise_nik("6371010101900001") == "6371010101900001"
    assert (normalise_nik(None), normalise_nik("")) == ("", "")
