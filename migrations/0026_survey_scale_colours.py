"""A survey may colour its scale by the kind of answer (red, orange, green); off by default."""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column("survey", "scale_colours",
                                         BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("survey", "scale_colours"))
