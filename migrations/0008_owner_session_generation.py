"""Owners carry a session generation: logging out or changing the password raises it, and a
session cookie that holds an older number no longer opens the dashboard."""

from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("owner", "session_generation", IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("owner", "session_generation"))
