"""The roster filter is a Bootstrap form that folds away on a phone (issue 13, item 9)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_roster_filter_is_a_styled_form_that_folds_on_a_phone(login, admin_user):
    html = login(admin_user).get(reverse("volunteers:list")).content.decode()
    form = html.split('<form id="roster-filter"', 1)[1].split("</form>", 1)[0]
    assert 'class="collapse d-md-block card card-body mb-3"' in form.split(">", 1)[0]
    assert 'data-bs-target="#roster-filter"' in html and 'aria-controls="roster-filter"' in html
    selects = re.findall(r"<select[^>]*>", form)
    inputs = re.findall(r'<input(?![^>]*type="hidden")[^>]*>', form)
    assert len(selects) >= 5 and inputs
    assert all("form-select" in s for s in selects)
    assert all("form-control" in i for i in inputs)
    for name in ("q", "kecamatan", "kelurahan", "status", "year"):
        assert re.search(rf'<label\s+for="id_{name}" class="form-label', form), name
    assert "---------" not in form and form.count(">Semua</option>") == 5
    assert ">Menurut nama</option>" in form
