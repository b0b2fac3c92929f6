"""The case workflow written out by hand: the oracle of the workflow tests.

Not read from cases.models.workflow.ALLOWED_TRANSITIONS: a wrong line in the app's table (staff
reopening a closed case, a rejected case reopened) must disagree with this one.
"""

from __future__ import annotations

# Columns: the case's assignee (a volunteer), another volunteer, staff, supervisor, admin.
# "yes"/"-": may/may not make the move with case_transition; "assign": only through the
# assignment form (case_assign), never a bare transition. Pairs not listed: nobody, ever.
TABLE = """
from         to           assignee  volunteer  staff   supervisor  admin
new          verified     -         -          yes     yes         yes
new          rejected     -         -          yes     yes         yes
new          assigned     -         -          assign  assign      assign
verified     rejected     -         -          yes     yes         yes
verified     assigned     -         -          assign  assign      assign
verified     referred     -         -          yes     yes         yes
assigned     in_progress  yes       -          yes     yes         yes
assigned     referred     -         -          yes     yes         yes
in_progress  resolved     yes       -          yes     yes         yes
in_progress  referred     -         -          yes     yes         yes
resolved     closed       -         -          -       yes         yes
resolved     in_progress  -         -          yes     yes         yes
closed       in_progress  -         -          -       yes         yes
"""
ROLES = ("assignee", "volunteer", "staff", "supervisor", "admin")
STATUSES = (
    "new",
    "verified",
    "assigned",
    "in_progress",
    "resolved",
    "closed",
    "rejected",
    "referred",
)


def _rows() -> list[tuple[str, str, str, str]]:
    lines = [line.split() for line in TABLE.strip().splitlines()[1:]]
    return [
        (f, t, role, cell)
        for f, t, *cells in lines
        for role, cell in zip(ROLES, cells, strict=True)
    ]


ROWS = _rows()  # (from, to, role, allowed)
LISTED = {(f, t) for f, t, _r, _c in ROWS}
