"""Surveys scrub e-mail addresses, phone numbers, IBANs and postcodes from comments by default.

Comments stored before this migration are left as they were given.
"""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column("survey", "scrub_comments", BooleanField(default=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("survey", "scrub_comments"))
