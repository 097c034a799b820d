"""Stored contact addresses in the one spelling that look-ups use: NFKC and casefold.

Answers stored before kept an address trimmed and lower-cased only; a full-width or
otherwise compatible spelling would no longer be found by `show-contact` or `forget`, which
now compare the folded form. Only answers with consent hold an address: they are few.
"""

import unicodedata


def folded(contact):
    # As server.schemas.normalise_contact was when this ran; kept here so it never changes.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", contact).casefold()).strip()


def up(migrator, db):
    rows = db.execute_sql('SELECT "id", "contact" FROM "response" '
                          'WHERE "contact" IS NOT NULL').fetchall()
    changed = [(folded(contact), id_) for id_, contact in rows if folded(contact) != contact]
    with db.atomic():
        for contact, id_ in changed:
            db.execute_sql(f'UPDATE "response" SET "contact" = {db.param} '
                           f'WHERE "id" = {db.param}', (contact, id_))


def down(migrator, db):
    pass  # the folded spelling is the same address: nothing to undo
