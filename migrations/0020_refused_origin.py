"""Origins that tried to show a site's widget and were refused, for the install page."""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    # Frozen copies: only what the new table refers to.
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Site(Base):
        pass

    class RefusedOrigin(Base):
        site = ForeignKeyField(Site, on_delete="CASCADE")
        origin = CharField(max_length=255)
        last_seen_at = DateTimeField()

        class Meta:
            indexes = ((("site", "origin"), True),)

    db.create_tables([RefusedOrigin])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "refused_origin"')
