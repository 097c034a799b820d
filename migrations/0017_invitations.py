"""Invitations scheduled from orders, and the (hashed) addresses that unsubscribed."""

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

    class Invitation(Base):
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        order_id = CharField(max_length=128)
        email = CharField(max_length=254, null=True)
        name = CharField(max_length=200, null=True)
        email_hash = CharField(max_length=64, index=True)
        language = CharField(max_length=2)
        touchpoint = CharField(max_length=64, null=True)
        completed_at = DateTimeField()
        invite_id = CharField(max_length=32, unique=True)
        status = CharField(max_length=12)
        invite_due_at = DateTimeField(index=True)
        reminder_due_at = DateTimeField(null=True, index=True)
        sent_at = DateTimeField(null=True)
        reminded_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("survey", "order_id"), True),)

    class Unsubscribe(Base):
        site = ForeignKeyField(Site, on_delete="CASCADE")
        email_hash = CharField(max_length=64)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("site", "email_hash"), True),)

    db.create_tables([Invitation, Unsubscribe])


def down(migrator, db):
    for table in ("unsubscribe", "invitation"):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
