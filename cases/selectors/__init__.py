"""Every read a cases view needs, already scoped to the user (404 for "not yours").

`scoping` (who may see which case and person), `people` (finding people), `queue` (the case
list and the triage queue), `home` (the role home pages' numbers), `audit` (the case page's
change history). The scoped fetches and the people search are importable from here.
"""

from cases.selectors.people import (
    beneficiary_by_nik,
    beneficiary_likely_duplicates,
    beneficiary_possible_duplicates,
    beneficiary_search,
)
from cases.selectors.scoping import (
    attachment_get_for_user,
    beneficiaries_visible_to,
    beneficiary_may_see,
    case_detail_for_user,
    case_get_for_user,
    case_get_for_user_by_client,
    cases_visible_to,
    person_shown_to,
)

__all__ = [
    "attachment_get_for_user",
    "beneficiaries_visible_to",
    "beneficiary_by_nik",
    "beneficiary_likely_duplicates",
    "beneficiary_may_see",
    "beneficiary_possible_duplicates",
    "beneficiary_search",
    "case_detail_for_user",
    "case_get_for_user",
    "case_get_for_user_by_client",
    "cases_visible_to",
    "person_shown_to",
]
