"""Themes: the ids a comment is about on each response, and owners' own themes per survey.

Comments stored before this migration get their themes the first time an owner adds or
changes a theme of their survey (or with `tevreden add-theme`).
"""

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


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

    db.create_tables([SurveyTheme])
    migrator.migrate(migrator.add_column("response", "themes", TextField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("response", "themes"))
    db.execute_sql('DROP TABLE IF EXISTS "survey_theme"')
