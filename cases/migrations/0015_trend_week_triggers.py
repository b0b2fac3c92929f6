"""Keep cases_casetrendweek exact: statement-level triggers on cases_case, then a backfill.

Statement-level (with transition tables) rather than per row, so a COPY of a million cases or
a bulk update costs one grouped upsert, not one per row; the upsert runs in key order so two
bulk statements cannot deadlock on the summary rows. The zone is cases.models.TREND_TIME_ZONE.
"""

from django.db import migrations

WEEK = "date_trunc('week', {col} AT TIME ZONE 'Asia/Makassar')::date"

# Deltas: +1 filed for each new row, +1 closed for each new closed row; the same with -1 for
# the old rows. An UPDATE only counts rows whose trend columns changed.
APPLY = f"""
    INSERT INTO cases_casetrendweek AS t (week, kelurahan_id, category_id, filed, closed)
    SELECT week, kel, cat, sum(f), sum(c) FROM (
        SELECT {WEEK.format(col="created_at")} AS week, kelurahan_id AS kel,
               category_id AS cat, sign AS f, 0 AS c FROM delta
        UNION ALL
        SELECT {WEEK.format(col="closed_at")}, kelurahan_id, category_id, 0, sign
        FROM delta WHERE closed_at IS NOT NULL
    ) d
    GROUP BY week, kel, cat
    HAVING sum(f) <> 0 OR sum(c) <> 0
    ORDER BY week, kel, cat
    ON CONFLICT (week, kelurahan_id, category_id)
    DO UPDATE SET filed = t.filed + EXCLUDED.filed, closed = t.closed + EXCLUDED.closed;
"""  # nosec B608 - assembled from this module's constants only, no input

# Also run by bench/seed.py, whose COPY runs with triggers off (session_replication_role).
REBUILD = f"""
LOCK TABLE cases_case IN SHARE MODE;
DELETE FROM cases_casetrendweek;
WITH delta AS (
    SELECT created_at, closed_at, kelurahan_id, category_id, 1 AS sign FROM cases_case
) {APPLY}
"""  # nosec B608 - assembled from this module's constants only, no input

FORWARD = f"""
CREATE FUNCTION cases_trend_week_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH delta AS (
            SELECT created_at, closed_at, kelurahan_id, category_id, 1 AS sign FROM new_rows
        ) {APPLY}
    ELSIF TG_OP = 'DELETE' THEN
        WITH delta AS (
            SELECT created_at, closed_at, kelurahan_id, category_id, -1 AS sign FROM old_rows
        ) {APPLY}
    ELSE
        WITH changed AS (
            SELECT o.created_at AS o_created, o.closed_at AS o_closed,
                   o.kelurahan_id AS o_kel, o.category_id AS o_cat,
                   n.created_at, n.closed_at, n.kelurahan_id, n.category_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.created_at, o.closed_at, o.kelurahan_id, o.category_id)
                  IS DISTINCT FROM (n.created_at, n.closed_at, n.kelurahan_id, n.category_id)
        ), delta AS (
            SELECT created_at, closed_at, kelurahan_id, category_id, 1 AS sign FROM changed
            UNION ALL
            SELECT o_created, o_closed, o_kel, o_cat, -1 FROM changed
        ) {APPLY}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cases_trend_week_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cases_casetrendweek;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_trend_week_ins AFTER INSERT ON cases_case
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_trend_week_sync();
CREATE TRIGGER cases_trend_week_upd AFTER UPDATE ON cases_case
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_trend_week_sync();
CREATE TRIGGER cases_trend_week_del AFTER DELETE ON cases_case
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_trend_week_sync();
CREATE TRIGGER cases_trend_week_trunc AFTER TRUNCATE ON cases_case
    FOR EACH STATEMENT EXECUTE FUNCTION cases_trend_week_truncate();

-- Backfill from the cases already there (the triggers cover everything after this).
{REBUILD}
"""  # nosec B608 - assembled from this module's constants only, no input

REVERSE = """
DROP TRIGGER IF EXISTS cases_trend_week_ins ON cases_case;
DROP TRIGGER IF EXISTS cases_trend_week_upd ON cases_case;
DROP TRIGGER IF EXISTS cases_trend_week_del ON cases_case;
DROP TRIGGER IF EXISTS cases_trend_week_trunc ON cases_case;
DROP FUNCTION IF EXISTS cases_trend_week_sync();
DROP FUNCTION IF EXISTS cases_trend_week_truncate();
DELETE FROM cases_casetrendweek;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_dashboard_summary")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
