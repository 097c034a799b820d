"""Archiving: a survey or a site put aside (no new answers, answers kept) until restored."""

from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("survey", "archived_at", DateTimeField(null=True)),
        migrator.add_column("site", "archived_at", DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("survey", "archived_at"),
                     migrator.drop_column("site", "archived_at"))
