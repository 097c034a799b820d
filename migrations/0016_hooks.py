"""Incoming order webhooks: one per shop platform connection, feeding one survey."""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    # Frozen copies of the tables as they are now: later changes get their own file.
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Site(Base):
        pass

    class Survey(Base):
        id = CharField(primary_key=True, max_length=32)

    class Hook(Base):
        id = CharField(primary_key=True, max_length=32)
        site = ForeignKeyField(Site, on_delete="CASCADE")
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        kind = CharField(max_length=12)
        secret = CharField(max_length=128)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)

    db.create_tables([Hook])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS hook")
