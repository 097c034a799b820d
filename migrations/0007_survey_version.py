"""Surveys and sites carry a version that every change bumps; the generation table goes.

A widget page rendered from a survey is kept under the survey's and its site's versions,
which the request reads with the survey anyway (server/visitor/pages.py). Migration 0006's
trigger-kept number is no longer read by anything.
"""

import importlib

from peewee import IntegerField, PostgresqlDatabase

GENERATION = "survey_generation"
FUNCTION = "survey_generation_renew"
WATCHED = ("survey", "site")


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table in WATCHED:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{GENERATION}" ON "{table}"')
        db.execute_sql(f'DROP FUNCTION IF EXISTS "{FUNCTION}"()')
        db.execute_sql(f'DROP TABLE IF EXISTS "{GENERATION}"')
    migrator.migrate(*(migrator.add_column(table, "version", IntegerField(default=1))
                       for table in WATCHED))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column(table, "version") for table in WATCHED))
    importlib.import_module("migrations.0006_survey_generation").up(migrator, db)
