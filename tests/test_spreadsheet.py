"""psm.spreadsheet: what a spreadsheet would run is exported as text, and the roster's own
import gets back exactly what was exported."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from psm.spreadsheet import FORMULA_START, as_text, from_text

EDGY = st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", "1", " "]))


@given(st.one_of(st.text(), EDGY))
def test_every_text_comes_back_unchanged(value):
    assert from_text(as_text(value)) == value


@given(st.one_of(st.text(), EDGY))
def test_no_exported_cell_starts_a_formula(value):
    assert not as_text(value).startswith(FORMULA_START)


def test_ordinary_text_is_left_alone():
    for value in ("Siti Aminah", "'Ali", "O'Neil", "", "'", "62812"):
        assert as_text(value) == value == from_text(value)
    assert as_text("+6281234567890") == "'+6281234567890"
    assert as_text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert as_text("'=1") == "''=1"
