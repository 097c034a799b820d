"""Test data straight into the database: a survey, an API token, N responses over two years."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator

from common import Database, bind

TOUCHPOINTS = ["checkout", "klantenservice", "levering", "retour"]
SEGMENTS = [None, None, "nieuw", "vast", "zakelijk"]
COMMENTS = [
    "Snelle levering, netjes verpakt.",
    "Prima webshop; ik bestel hier vaker.",
    "Het afrekenen was wat omslachtig, \"iDEAL\" hing even.",
    "Retourneren was lastig te vinden op de site.",
    "Pakket kwam beschadigd aan.\nKlantenservice reageerde traag.",
    "=HYPERLINK(\"https://example.invalid\") is geen formule hier",
    "Vriendelijke klantenservice, probleem meteen opgelost. Één woord: top!",
]
# The themes the tagger finds in each comment above, stored as the app stores them.
COMMENT_THEMES = ['["delivery","packaging"]', None, '["payment"]', '["returns","website"]',
                  '["delivery","service"]', None, '["service"]']
# A realistic NPS spread: most answers 7–10, a long tail of detractors.
NPS_WEIGHTS = [2, 1, 1, 2, 2, 4, 5, 10, 18, 25, 30]
COLUMNS = ("survey_id", "score", "comment", "touchpoint", "segment", "language",
           "created_at", "consent_at", "consent_version", "contact", "themes", "followup")


def create_survey(database: Database, metric: str = "nps") -> dict:
    """An owner, site, survey and export-scope token, made with the project's own models."""
    bind(database)
    from server.db import connection
    from server.models import ApiToken, Owner, Site, Survey

    with connection():
        owner = Owner(email=f"bench-{random.randrange(10**9)}@example.nl")
        owner.set_password("bench password 1")
        owner.save()
        site = Site.create(owner=owner, name="Bench Webshop", origins=["https://shop.example.nl"])
        # Kept ten years: the default (365 days) would let the daily purge eat the data.
        survey = Survey.create_for(site, metric=metric, touchpoints=TOUCHPOINTS,
                                   consent_mode="optional", retention_days=3650)
        _, token = ApiToken.issue(site, scope="export", name="bench")
    return {"survey": survey.id, "token": token, "touchpoints": TOUCHPOINTS}


def rows(survey: str, count: int, years: float = 2.0, seed: int = 1) -> Iterator[tuple]:
    """`count` answers in time order (as they arrive in life), spread evenly over `years`."""
    rng = random.Random(seed)
    end = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    span = dt.timedelta(days=365 * years).total_seconds()
    start = end - dt.timedelta(seconds=span)
    offsets = sorted(rng.random() * span for _ in range(count))
    scores = rng.choices(range(11), weights=NPS_WEIGHTS, k=count)
    for offset, score in zip(offsets, scores, strict=True):
        when = start + dt.timedelta(seconds=offset)
        said = rng.randrange(len(COMMENTS)) if rng.random() < 0.15 else None
        consented = rng.random() < 0.02
        # Unhappy or consented answers get a follow-up; most older ones were dealt with.
        followup = (rng.choice(("open", "contacted", "resolved", "resolved"))
                    if score <= 6 or consented else None)
        yield (survey, score, None if said is None else COMMENTS[said],
               rng.choice(TOUCHPOINTS), rng.choice(SEGMENTS),
               "nl" if rng.random() < 0.8 else "en", when,
               when if consented else None, 1 if consented else None,
               f"klant{rng.randrange(10**6)}@example.nl" if consented else None,
               None if said is None else COMMENT_THEMES[said], followup)


def insert(database: Database, survey: str, count: int) -> float:
    """Bulk-insert `count` responses (executemany on SQLite, COPY on PostgreSQL); seconds."""
    start = time.perf_counter()
    conn = database.raw()
    data = rows(survey, count)
    if database.kind == "sqlite":
        # The same text format peewee writes for a DateTimeField, so the app reads it back.
        placeholders = ", ".join("?" for _ in COLUMNS)
        conn.executemany(
            f"INSERT INTO response ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            ((*row[:6], str(row[6]), str(row[7]) if row[7] else None, *row[8:]) for row in data),
        )
        conn.commit()
        conn.execute("ANALYZE")
    else:
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY response ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        conn.commit()
        # VACUUM as autovacuum does in life after bulk inserts (PostgreSQL 13+ vacuums
        # insert-only tables too; the bench server may run with it off): it marks pages
        # all-visible, which the score report's index-only counts rely on, and it runs
        # before every timing, so the bare GROUP BY queries read the same vacuumed table.
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE response")
    conn.close()
    return time.perf_counter() - start
