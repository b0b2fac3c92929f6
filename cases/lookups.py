"""Custom ORM lookups of the cases app, registered once in CasesConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class IdArray:
    """Ids as the text of one PostgreSQL array parameter, built once: `field__any_of=`.

    Not a list: Django walks a list value element by element when it builds the filter
    (Query.resolve_lookup_value, 1,462 calls for the people named "Siti" at 1M cases), and
    psycopg's client-side quoting of a list of ints is a Python loop (3.1 ms per query as
    an IN list, 1.1 ms as a list, 0.2 ms as this text)."""

    __slots__ = ("text",)

    def __init__(self, ids: Iterable[int]):
        self.text = "{" + ",".join(str(int(i)) for i in ids) + "}"  # ints only, never text


class AnyOf(Lookup):  # type: ignore[type-arg]
    """`field__any_of=<queryset of ids>`: `field = ANY(ARRAY(SELECT ...))`; or
    `field__any_of=IdArray(ids)`: `field = ANY(%s::bigint[])`, the ids as one parameter.

    A queryset is read first (an InitPlan), so PostgreSQL walks an index on the field once
    per id. `IN (SELECT ...)` let the planner hash-join instead, reading every open case (at
    100k cases: 5,000 rows for the 111 cases of people who left).

    An IdArray replaces `__in=<list>`, which sends one placeholder per id (see IdArray)."""

    lookup_name = "any_of"
    prepare_rhs = False  # an IdArray is text already; a queryset is compiled as one

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, IdArray):
            if self.rhs.text == "{}":
                raise EmptyResultSet  # as __in=[] does: no row, no query
            db_type = self.lhs.output_field.db_type(connection)
            return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, self.rhs.text]
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
