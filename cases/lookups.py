"""Custom ORM lookups of the cases app, registered once in CasesConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    """`field__any_of=<queryset of ids>`: `field = ANY(ARRAY(SELECT ...))`.

    The list is read first (an InitPlan), so PostgreSQL walks an index on the field once per
    id. `IN (SELECT ...)` let the planner hash-join instead, reading every open case (at
    100k cases: 5,000 rows for the 111 cases of people who left)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
