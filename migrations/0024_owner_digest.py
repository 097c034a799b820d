"""The owner's digest e-mail: how often (daily, weekly or off) and when the last one went."""

from peewee import CharField, DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("owner", "digest", CharField(max_length=6, default="off")),
        migrator.add_column("owner", "digest_sent_at", DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("owner", "digest"),
                     migrator.drop_column("owner", "digest_sent_at"))
