"""Surveys get their e-mail invitation rules: delay, reminder, and one per address per N days."""

from peewee import IntegerField

COLUMNS = {"invite_delay_days": 7, "reminder_after_days": 0, "invite_every_days": 90}


def up(migrator, db):
    migrator.migrate(*(migrator.add_column("survey", name, IntegerField(default=default))
                       for name, default in COLUMNS.items()))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column("survey", name) for name in COLUMNS))
