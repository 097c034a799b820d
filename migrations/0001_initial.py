"""The first schema: owners, sites, surveys, consent texts, responses, tokens, jobs."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)


def up(migrator, db):
    # Frozen copies of the models as they were: later model changes get their own file.
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Owner(Base):
        email = CharField(max_length=254, unique=True)
        password_hash = CharField(max_length=255)
        language = CharField(max_length=2, default="nl")
        created_at = DateTimeField()

    class Site(Base):
        owner = ForeignKeyField(Owner, on_delete="CASCADE")
        name = CharField(max_length=200)
        origins = TextField()
        contact_email = CharField(max_length=254, null=True)
        created_at = DateTimeField()

    class Survey(Base):
        id = CharField(primary_key=True, max_length=32)
        site = ForeignKeyField(Site, on_delete="CASCADE")
        name = CharField(max_length=200)
        metric = CharField(max_length=4)
        default_language = CharField(max_length=2)
        question_nl = TextField(null=True)
        question_en = TextField(null=True)
        touchpoints = TextField()
        consent_mode = CharField(max_length=10)
        consent_version = IntegerField()
        retention_days = IntegerField()
        recontact_days = IntegerField()
        sample_percent = SmallIntegerField()
        baseline_from = DateField(null=True)
        baseline_to = DateField(null=True)
        target_value = FloatField(null=True)
        target_due = DateField(null=True)
        target_set_at = DateField(null=True)
        active = BooleanField()
        created_at = DateTimeField()

    class ConsentText(Base):
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        version = IntegerField()
        text_nl = TextField()
        text_en = TextField()
        created_at = DateTimeField()

        class Meta:
            indexes = ((("survey", "version"), True),)

    class Response(Base):
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        score = SmallIntegerField()
        comment = TextField(null=True)
        touchpoint = CharField(max_length=64, null=True)
        segment = CharField(max_length=64, null=True)
        language = CharField(max_length=2)
        created_at = DateTimeField()
        updated_at = DateTimeField(null=True)
        consent_at = DateTimeField(null=True)
        consent_version = IntegerField(null=True)
        contact = CharField(max_length=254, null=True, index=True)

        class Meta:
            indexes = ((("survey", "created_at"), False),)

    class UsedToken(Base):
        token_id = CharField(max_length=64, unique=True)
        expires_at = DateTimeField(index=True)

    class ApiToken(Base):
        site = ForeignKeyField(Site, on_delete="CASCADE")
        name = CharField(max_length=100)
        scope = CharField(max_length=10)
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

    class Job(Base):
        name = CharField(max_length=32, primary_key=True)
        last_run_at = DateTimeField(null=True)
        claimed_until = DateTimeField(null=True)

    db.create_tables([Owner, Site, Survey, ConsentText, Response, UsedToken, ApiToken, Job])

def down(migrator, db):
    for table in ("job", "api_token", "used_token", "response", "consent_text", "survey",
                  "site", "owner"):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
