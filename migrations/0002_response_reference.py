"""Responses keep the invitation's order reference (an opaque number, never a name)."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("response", "reference", CharField(max_length=64, null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("response", "reference"))
