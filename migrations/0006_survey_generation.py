"""PostgreSQL: a number that changes with every committed change to a survey or site.

Widget requests keep survey rows in memory (widget.SurveyRows) while it stays the same.
Each request reads it when it takes its pooled connection, in the round trip that already
checked the connection was alive (db.PooledPostgresql), so a change is seen by the very
next request on every instance, with no extra round trip. Triggers renew it, so changes
made by hand in SQL and cascaded deletes (an owner's sites and surveys) count too. Its
update commits with the change, never before it.

Statement-level triggers: a change of many rows renews it once. Concurrent changes to
surveys queue on its single row until they commit; they are owners' edits, rare and short.

SQLite keeps the same number in a file beside the database (db.Generation): nothing here.
"""

from peewee import PostgresqlDatabase

TABLE = "survey_generation"
FUNCTION = "survey_generation_renew"
WATCHED = ("survey", "site")


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(f'CREATE TABLE "{TABLE}" ('
                   '"id" SMALLINT PRIMARY KEY CHECK ("id" = 1), "value" BIGINT NOT NULL)')
    db.execute_sql(f'INSERT INTO "{TABLE}" ("id", "value") VALUES (1, 0)')
    # The search path of the migration (the application's schema) is fixed on the function:
    # it must find the table whatever the search path of the session making the change.
    db.execute_sql(
        f'CREATE FUNCTION "{FUNCTION}"() RETURNS trigger LANGUAGE plpgsql '
        'SET search_path FROM CURRENT AS $$ BEGIN '
        f'UPDATE "{TABLE}" SET "value" = "value" + 1 WHERE "id" = 1; RETURN NULL; '
        'END $$')
    for table in WATCHED:
        db.execute_sql(f'CREATE TRIGGER "{TABLE}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                       f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION "{FUNCTION}"()')


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    for table in WATCHED:
        db.execute_sql(f'DROP TRIGGER "{TABLE}" ON "{table}"')
    db.execute_sql(f'DROP FUNCTION "{FUNCTION}"()')
    db.execute_sql(f'DROP TABLE "{TABLE}"')
