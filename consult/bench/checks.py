"""What must hold in a bench database after any load: recounts equal the stored counters,
one vote per account per item."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

COUNTED_TABLES = ("users", "processes", "proposals", "votes", "comments", "action_plans",
                  "sections", "section_revisions", "organizations")


def _counters() -> list[tuple[str, str, str]]:
    """(table, counter column, SELECT target_id, n of the recount) for every counter kept."""
    from consult.comments.targets import TARGET_TYPES, get_target
    from consult.votes.targets import get_votable

    found = []
    for target_type in TARGET_TYPES:
        target = get_target(target_type)
        if target is not None and "comments_count" in target.model.__table__.c:
            found.append((target.model.__tablename__, "comments_count",
                          "SELECT target_id, COUNT(*) AS n FROM comments "
                          f"WHERE target_type = '{target_type}' AND deleted_at IS NULL "
                          "AND hidden_at IS NULL GROUP BY target_id"))
        votable = get_votable(target_type)
        if votable is not None and votable.has_counter:
            found.append((votable.model.__tablename__, "votes_count",
                          "SELECT target_id, COUNT(*) AS n FROM votes "
                          f"WHERE target_type = '{target_type}' GROUP BY target_id"))
    return found


def row_counts(connection: Connection) -> dict[str, int]:
    return {table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar()
            for table in COUNTED_TABLES}


def duplicate_votes(connection: Connection) -> int:
    return connection.execute(text(
        "SELECT COUNT(*) FROM (SELECT 1 FROM votes GROUP BY target_type, target_id, user_id "
        "HAVING COUNT(*) > 1) AS d")).scalar()


def counter_mismatches(connection: Connection) -> dict[str, int]:
    """{"proposals.votes_count": rows whose counter differs from the recount, ...}."""
    result = {}
    for table, column, recount in _counters():
        result[f"{table}.{column}"] = connection.execute(text(
            f'SELECT COUNT(*) FROM "{table}" AS t LEFT JOIN ({recount}) AS c '
            f"ON c.target_id = t.id WHERE t.{column} <> COALESCE(c.n, 0)")).scalar()
    result["vote_tallies"] = connection.execute(text(
        "SELECT COUNT(*) FROM (SELECT target_type, target_id, category, choice, COUNT(*) AS n "
        "FROM votes GROUP BY target_type, target_id, category, choice) AS r "
        "FULL OUTER JOIN vote_tallies AS t ON t.target_type = r.target_type "
        "AND t.target_id = r.target_id AND t.category = r.category AND t.choice = r.choice "
        "WHERE COALESCE(r.n, 0) <> COALESCE(t.count, 0)")).scalar()
    return result


def integrity(connection: Connection) -> dict:
    mismatches = counter_mismatches(connection)
    duplicates = duplicate_votes(connection)
    return {"rows": row_counts(connection), "duplicate_votes": duplicates,
            "counter_mismatches": mismatches,
            "ok": duplicates == 0 and not any(mismatches.values())}
