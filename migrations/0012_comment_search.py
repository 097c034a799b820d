"""Full-text search of comments with the database's own engine, kept in sync by itself.

SQLite: an FTS5 index over response.comment (external content), filled now and kept by
triggers on every insert, update and delete (erasure, purge and cascades included).
PostgreSQL: a GIN index on the comment's tsvector in the Dutch configuration; an expression
index, so every write keeps it without a column or a trigger.
"""

from peewee import PostgresqlDatabase

SQLITE = [
    """CREATE VIRTUAL TABLE "response_search" USING fts5(
        comment, content='response', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER "response_search_insert" AFTER INSERT ON "response"
       WHEN new.comment IS NOT NULL BEGIN
         INSERT INTO response_search(rowid, comment) VALUES (new.id, new.comment);
       END""",
    """CREATE TRIGGER "response_search_delete" AFTER DELETE ON "response"
       WHEN old.comment IS NOT NULL BEGIN
         INSERT INTO response_search(response_search, rowid, comment)
         VALUES ('delete', old.id, old.comment);
       END""",
    """CREATE TRIGGER "response_search_update" AFTER UPDATE OF comment ON "response" BEGIN
         INSERT INTO response_search(response_search, rowid, comment)
         SELECT 'delete', old.id, old.comment WHERE old.comment IS NOT NULL;
         INSERT INTO response_search(rowid, comment)
         SELECT new.id, new.comment WHERE new.comment IS NOT NULL;
       END""",
    """INSERT INTO response_search(rowid, comment)
       SELECT id, comment FROM response WHERE comment IS NOT NULL""",
]
POSTGRES = ["""CREATE INDEX "response_comment_search" ON "response"
               USING GIN (to_tsvector('dutch', coalesce("comment", '')))"""]


def up(migrator, db):
    for sql in POSTGRES if isinstance(db, PostgresqlDatabase) else SQLITE:
        db.execute_sql(sql)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP INDEX IF EXISTS "response_comment_search"')
        return
    for name in ("insert", "delete", "update"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "response_search_{name}"')
    db.execute_sql('DROP TABLE IF EXISTS "response_search"')
