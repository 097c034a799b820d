"""Themes: the ids a comment is about on each response, and owners' own themes per survey.

Comments stored before this migration are tagged here with the built-in themes (there are no
owners' themes yet), 500 at a time.
"""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField

from server.core.builtin_themes import BUILT_IN
from server.core.themes import Tagger

BATCH = 500


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Survey(Base):
        id = CharField(primary_key=True, max_length=32)

    class SurveyTheme(Base):
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        key = CharField(max_length=64)
        name = CharField(max_length=100)
        keywords = TextField()
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("survey", "key"), True),)

    class Response(Base):
        comment = TextField(null=True)
        themes = TextField(null=True)

    db.create_tables([SurveyTheme])
    migrator.migrate(migrator.add_column("response", "themes", TextField(null=True)))
    tagger, last = Tagger(BUILT_IN), 0
    while rows := list(Response.select(Response.id, Response.comment)
                       .where(Response.comment.is_null(False), Response.id > last)
                       .order_by(Response.id).limit(BATCH).tuples()):
        for answer_id, comment in rows:
            if themes := tagger.tag(comment):
                Response.update(themes=json.dumps(themes, separators=(",", ":"))).where(
                    Response.id == answer_id).execute()
        last = rows[-1][0]


def down(migrator, db):
    migrator.migrate(migrator.drop_column("response", "themes"))
    db.execute_sql('DROP TABLE IF EXISTS "survey_theme"')
