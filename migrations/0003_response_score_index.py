"""An index for score counts: answers of a survey by touchpoint, score and time."""

from peewee import SqliteDatabase

COLUMNS = ("survey_id", "touchpoint", "score", "created_at")


def up(migrator, db):
    migrator.migrate(migrator.add_index("response", COLUMNS, False))
    # Where someone ran ANALYZE, SQLite's planner would know every index but this one and
    # could pick it for queries it does not suit: refresh the table's statistics.
    if isinstance(db, SqliteDatabase) and db.table_exists("sqlite_stat1"):
        db.execute_sql("ANALYZE response")


def down(migrator, db):
    migrator.migrate(migrator.drop_index("response", "response_" + "_".join(COLUMNS)))
