"""The outbox: mails waiting for (or delivered by) the mail server, with their attempts."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    # Frozen copies of the tables as they are now: later changes get their own file.
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Invitation(Base):
        pass

    class OutboxMail(Base):
        invitation = ForeignKeyField(Invitation, null=True, on_delete="CASCADE")
        kind = CharField(max_length=12)
        recipient = CharField(max_length=254, null=True)
        subject = CharField(max_length=300)
        message = TextField(null=True)
        message_id = CharField(max_length=200)
        status = CharField(max_length=10)
        attempts = IntegerField()
        next_attempt_at = DateTimeField(index=True)
        claimed_until = DateTimeField(null=True)
        last_error = CharField(max_length=300, null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("invitation", "kind"), True),)

    db.create_tables([OutboxMail])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS outbox_mail")
