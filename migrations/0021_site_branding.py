"""A site's brand colour (for the chosen score and the buttons) and the popup's corner."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("site", "brand_color", CharField(max_length=7, null=True)),
        migrator.add_column("site", "position", CharField(max_length=5, default="right")),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("site", "brand_color"),
                     migrator.drop_column("site", "position"))
