"""The database's own guard over the audit log: a trigger that refuses to change or remove rows.

The ORM already refuses (models.AuditQuerySet), and the hash chain finds any row changed or
removed behind its back (`jiceng audit verify`); the trigger stops a plain SQL UPDATE or DELETE
from any client of the database (网络安全法 art. 21: audit records protected from change).

PostgreSQL, the production database, refuses both UPDATE and DELETE. SQLite, the embedded
default, refuses UPDATE only: Django empties every table with DELETE between transactional tests
on SQLite (PostgreSQL uses TRUNCATE, which row triggers do not see), so a removal there is left to
the chain check. Whoever owns the schema can still drop a trigger; that is what the chain is for.
"""

from typing import Any

MESSAGE = "审计日志只能追加，不能修改或删除 / the audit log is append-only"

_POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
_POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""
_SQLITE_INSTALL = f"""
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
_SQLITE_REMOVE = "DROP TRIGGER IF EXISTS audit_append_only;"


def install(connection: Any) -> None:
    """Create the trigger on `connection` (a migration passes schema_editor.connection)."""
    sql = {"postgresql": _POSTGRES_INSTALL, "sqlite": _SQLITE_INSTALL}.get(connection.vendor)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def remove(connection: Any) -> None:
    """Drop the trigger: the migration's reverse, and the tests' stand-in for a schema owner
    tampering with the log (which the chain check must still find)."""
    sql = {"postgresql": _POSTGRES_REMOVE, "sqlite": _SQLITE_REMOVE}.get(connection.vendor)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)
