"""The case list's search box: references in any case, name fragments, the region's prefix.

The queries behind it were rewritten for speed at 1M cases (cases/selectors/queue.py, M9 in bench);
these pin what a person gets back, whichever plan answers.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.selectors import queue as queues
from cases.services.reference import reference_next, reference_re
from tests.cases_support import beneficiary, file_case

pytestmark = pytest.mark.django_db


def refs(response) -> set[str]:
    assert response.status_code == 200
    return {c.reference for c in response.context["page"].object_list}


@pytest.fixture
def three(relawan_alalak, relawan_kuin):
    return {
        "siti": file_case(relawan_alalak, beneficiary=beneficiary(name="Siti Aminah Rahmawati")),
        "sitiku": file_case(
            relawan_kuin, beneficiary=beneficiary(kel="Kuin Cerucuk", name="SITI Nurhaliza")
        ),
        "budi": file_case(relawan_alalak, beneficiary=beneficiary(name="Budi Santoso")),
    }


def test_a_name_fragment_finds_people_whatever_the_letter_case(login, kabid, three):
    client = login(kabid)
    got = refs(client.get(reverse("cases:list"), {"q": "siti"}))
    assert got == {three["siti"].reference, three["sitiku"].reference}
    assert refs(client.get(reverse("cases:list"), {"q": "AMINAH rahma"})) == {
        three["siti"].reference
    }
    assert refs(client.get(reverse("cases:list"), {"q": "zzqx"})) == set()


def test_a_common_name_answers_the_same_through_the_join(login, kabid, three, monkeypatch):
    # Past NAME_SEARCH_PEOPLE_LIMIT matching people the search joins instead of listing ids.
    monkeypatch.setattr(queues, "NAME_SEARCH_PEOPLE_LIMIT", 1)
    got = refs(login(kabid).get(reverse("cases:list"), {"q": "Siti"}))
    assert got == {three["siti"].reference, three["sitiku"].reference}


def test_a_volunteer_name_search_stays_in_their_scope(login, relawan_alalak, three):
    got = refs(login(relawan_alalak).get(reverse("cases:list"), {"q": "siti"}))
    assert got == {three["siti"].reference}


def test_a_reference_typed_in_lower_case_or_in_part_finds_the_case(login, kabid, three):
    ref = three["budi"].reference  # BJM-2026-000123
    client = login(kabid)
    assert refs(client.get(reverse("cases:list"), {"q": ref.lower()})) == {ref}
    year_part = ref.rsplit("-", 1)[0].lower()  # "bjm-2026": every case of that year
    assert refs(client.get(reverse("cases:list"), {"q": year_part})) == {
        c.reference for c in three.values()
    }
    # Leading zeros may be left out: BJM-2026-123 is BJM-2026-000123.
    short = re.sub(r"-0+(\d)", r"-\1", ref).lower()
    assert short != ref.lower()
    assert refs(client.get(reverse("cases:list"), {"q": short})) == {ref}


def test_the_reference_prefix_is_the_regions(settings, db):
    settings.CASE_REFERENCE_PREFIX = "BDG"
    ref = reference_next(year=2026)
    assert re.fullmatch(r"BDG-2026-\d{6}", ref)
    assert reference_re().match("bdg-2026-7")
    assert not reference_re().match("BJM-2026-7")
