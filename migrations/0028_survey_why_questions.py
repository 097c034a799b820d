"""A survey may word the second step's "why?" question per kind of answer and language; empty
(NULL) keeps the standard question."""

from peewee import TextField

COLUMNS = [f"why_{group}_{lang}" for group in ("promoters", "passives", "detractors")
           for lang in ("nl", "en")]


def up(migrator, db):
    migrator.migrate(*(migrator.add_column("survey", column, TextField(null=True))
                       for column in COLUMNS))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column("survey", column) for column in COLUMNS))
