"""Migrations: an empty database migrated gives exactly the schema the models declare."""

from pathlib import Path

from playhouse.schema_diff import diff_models

from server import db as database
from server.models import MODELS

LATEST = max(path.stem for path in Path(database.MIGRATIONS_DIR).glob("0*.py"))
FORBIDDEN = ("ip", "ip_address", "remote_addr", "user_agent", "useragent", "referrer", "referer",
             "host_page", "cookie")


# PostgreSQL's comment search (migration 0012) is an expression index that models cannot say.
UNMODELLED_INDEXES = {"response_comment_search"}


def test_migrated_schema_matches_models(app):
    diff = diff_models(database.db.obj, MODELS)
    diff = diff._replace(drop_indexes=[index for index in diff.drop_indexes
                                       if index.name not in UNMODELLED_INDEXES])
    assert not diff, diff
    for model in MODELS:
        table = model._meta.table_name
        stored = {c.name: c for c in database.db.get_columns(table)}
        declared = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(stored) == set(declared), table
        for name, field in declared.items():
            assert stored[name].null == field.null, (table, name)


def test_declared_indexes_exist(app):
    indexes = {tuple(i.columns) for i in database.db.get_indexes("response")}
    assert ("survey_id", "created_at") in indexes
    unique = {tuple(i.columns) for i in database.db.get_indexes("used_token") if i.unique}
    assert ("token_id",) in unique
    # Only answers holding a form token's id are in their unique index.
    token = next(i for i in database.db.get_indexes("response") if i.name == "response_token_id")
    assert token.unique and token.columns == ["token_id"] and "NOT NULL" in token.sql.upper()
    # Only answers holding a contact address are in the contact index.
    contact = next(i for i in database.db.get_indexes("response") if i.name == "response_contact")
    assert not contact.unique and contact.columns == ["contact"]
    assert "NOT NULL" in contact.sql.upper()


def test_contact_look_up_uses_the_partial_index(app):
    """`contact = ?` implies the index's condition, so the look-up still uses it."""
    from server.retention import responses_for_contact

    sql, params = responses_for_contact("Piet@Example.nl").sql()
    if database.is_postgres():
        database.db.execute_sql("SET enable_seqscan = off")  # a small table is scanned
        plan = " ".join(r[0] for r in database.db.execute_sql(f"EXPLAIN {sql}", params))
        database.db.execute_sql("RESET enable_seqscan")
    else:
        plan = " ".join(str(r) for r in database.db.execute_sql(
            f"EXPLAIN QUERY PLAN {sql}", params))
    assert "response_contact" in plan, plan


def newest_migration() -> str:
    """The name of the last numbered migration file."""
    return max(path.stem for path in Path(database.MIGRATIONS_DIR).glob("[0-9]*.py"))


def test_migrate_is_idempotent(app):
    first = database.schema_version()
    assert database.migrate() == []
    newest = max(path.stem for path in Path(database.MIGRATIONS_DIR).glob("[0-9]*.py"))
    assert database.schema_version() == first == newest
    assert database.pending_migrations() == []


def test_nothing_identifies_a_visitor(app):
    for model in MODELS:
        for column in database.db.get_columns(model._meta.table_name):
            assert column.name not in FORBIDDEN, (model, column.name)


def test_the_survey_version_migration_goes_down_and_up_again(app):
    """0007 drops 0006's table and triggers and adds the versions; down brings them back."""
    from playhouse.migrations import Runner

    def state() -> tuple[int, bool]:
        generation = 0
        if database.is_postgres():
            generation = database.db.execute_sql(
                "SELECT count(*) FROM pg_tables WHERE tablename = 'survey_generation' "
                "AND schemaname = current_schema()").fetchone()[0]
        versioned = all("version" in {c.name for c in database.db.get_columns(table)}
                        for table in ("survey", "site"))
        return generation, versioned

    runner = Runner(database.db.obj, directory=database.MIGRATIONS_DIR)
    assert state() == (0, True)
    try:
        # Back through 0007, past the migrations that came after it.
        assert runner.down(target="0007_survey_version")[-1] == "0007_survey_version"
        assert state() == (1 if database.is_postgres() else 0, False)
    finally:
        assert runner.up()[0] == "0007_survey_version"
    assert state() == (0, True)
