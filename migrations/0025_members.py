"""Team members: a colleague's access to one site, as a viewer or a manager."""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    # Frozen copies: only what the new table refers to.
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Site(Base):
        pass

    class Owner(Base):
        pass

    class Member(Base):
        site = ForeignKeyField(Site, on_delete="CASCADE")
        owner = ForeignKeyField(Owner, on_delete="CASCADE")
        role = CharField(max_length=10)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("site", "owner"), True),)

    db.create_tables([Member])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "member"')
