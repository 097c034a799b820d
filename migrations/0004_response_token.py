"""Answers hold the id of the form token they spent, under a unique index, for a day.

Storing an answer is then one statement that writes one row: a replayed form fails on the
index. Only answers with a token id are indexed, and the daily purge clears them.
"""

from peewee import CharField

INDEX = "response_token_id"


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("response", "token_id", CharField(max_length=64, null=True)))
    db.execute_sql(f'CREATE UNIQUE INDEX "{INDEX}" ON "response" ("token_id") '
                   'WHERE ("token_id" IS NOT NULL)')


def down(migrator, db):
    db.execute_sql(f'DROP INDEX "{INDEX}"')
    migrator.migrate(migrator.drop_column("response", "token_id"))
