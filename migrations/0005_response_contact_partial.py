"""Only answers holding a contact address are in the contact index.

Most answers hold none: the index then costs them nothing when they are stored (one B-tree
less to read and write in every answer's statement), and a look-up by address (`tevreden
show-contact`, `forget`) finds the same rows, since `contact = ?` implies it is not NULL.
"""

INDEX = "response_contact"


def up(migrator, db):
    db.execute_sql(f'DROP INDEX "{INDEX}"')
    db.execute_sql(f'CREATE INDEX "{INDEX}" ON "response" ("contact") '
                   'WHERE ("contact" IS NOT NULL)')


def down(migrator, db):
    db.execute_sql(f'DROP INDEX "{INDEX}"')
    db.execute_sql(f'CREATE INDEX "{INDEX}" ON "response" ("contact")')
