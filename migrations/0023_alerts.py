"""Alerts on answers and their deliveries (one row per alert, answer and channel); an alert's
mail in the outbox names its answer, so erasing the answer erases the unsent mail."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    # Frozen copies of the tables as they are now: later changes get their own file.
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Survey(Base):
        id = CharField(primary_key=True, max_length=32)

    class Response(Base):
        pass

    class Alert(Base):
        id = CharField(primary_key=True, max_length=32)
        survey = ForeignKeyField(Survey, on_delete="CASCADE")
        rule = CharField(max_length=80)
        emails = TextField()
        webhook_url = CharField(max_length=2000, null=True)
        secret = CharField(max_length=64, null=True)
        created_at = DateTimeField()
        checked_until = DateTimeField()

    class AlertDelivery(Base):
        alert = ForeignKeyField(Alert, on_delete="CASCADE")
        response = ForeignKeyField(Response, on_delete="CASCADE")
        channel = CharField(max_length=8)
        status = CharField(max_length=10)
        attempts = IntegerField()
        next_attempt_at = DateTimeField(index=True)
        claimed_until = DateTimeField(null=True)
        last_error = CharField(max_length=300, null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("alert", "response", "channel"), True),)

    db.create_tables([Alert, AlertDelivery])
    migrator.migrate(migrator.add_column(
        "outbox_mail", "response_id",
        ForeignKeyField(Response, field=Response.id, null=True, on_delete="CASCADE")))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("outbox_mail", "outbox_mail_response_id"),
                     migrator.drop_column("outbox_mail", "response_id"))
    db.execute_sql("DROP TABLE IF EXISTS alert_delivery")
    db.execute_sql("DROP TABLE IF EXISTS alert")
