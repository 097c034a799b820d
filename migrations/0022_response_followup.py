"""Answers get the shop's follow-up: status, note and times.

Answers stored before it that are unhappy (NPS 0-6, CSAT 1-2, CES 1-3) or carry a consented
contact start open, as new ones do, dated from when they were given.
"""

from peewee import CharField, DateTimeField, TextField

COLUMNS = {
    "followup": CharField(max_length=9, null=True),
    "followup_note": TextField(null=True),
    "followup_at": DateTimeField(null=True),
    "followup_contacted_at": DateTimeField(null=True),
    "followup_resolved_at": DateTimeField(null=True),
}
INDEX = "response_followup"
UNHAPPY_UP_TO = "CASE metric WHEN 'nps' THEN 6 WHEN 'csat' THEN 2 ELSE 3 END"


def up(migrator, db):
    migrator.migrate(*(migrator.add_column("response", name, field)
                       for name, field in COLUMNS.items()))
    db.execute_sql(
        'UPDATE "response" SET "followup" = \'open\', "followup_at" = "created_at" '
        'WHERE "contact" IS NOT NULL OR "score" <= ('
        f'SELECT {UNHAPPY_UP_TO} FROM "survey" WHERE "survey"."id" = "response"."survey_id")')
    db.execute_sql(f'CREATE INDEX "{INDEX}" ON "response" ("survey_id", "followup", '
                   '"created_at") WHERE ("followup" IS NOT NULL)')


def down(migrator, db):
    db.execute_sql(f'DROP INDEX "{INDEX}"')
    migrator.migrate(*(migrator.drop_column("response", name) for name in COLUMNS))
