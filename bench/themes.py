"""Themes: how long tagging one comment takes, over the labelled comments of the tests.

Each round tags every comment of tests/data/themes_labelled.jsonl with a fresh tagger (a
cold word cache: the first comments of a new process or after a theme changed) and again
with the warm one (the steady state of a running server), and comments of the longest
allowed size (2,000 characters, mostly words the tagger has not seen) with a fresh tagger.
The median of the rounds is kept.
"""

from __future__ import annotations

import json
import time

from common import ROOT, command_line, machine, median, save, verdict

from server.core.builtin_themes import BUILT_IN
from server.core.themes import Tagger

LIMIT_MS = 1.0  # issue 21: tagging costs at most 1 ms a comment
ROUNDS = 15


def per_comment_ms(tagger: Tagger, comments: list[str]) -> float:
    start = time.perf_counter()
    for comment in comments:
        tagger.tag(comment)
    return (time.perf_counter() - start) / len(comments) * 1000


def main() -> None:
    rows = [json.loads(line) for line in
            (ROOT / "tests/data/themes_labelled.jsonl").read_text(encoding="utf-8").splitlines()]
    comments = [row["text"] for row in rows]
    # The longest a visitor may write (2,000 characters), from the same comments.
    longest = [" ".join(comments[i:i + 40])[:2000] for i in range(0, len(comments), 40)]
    cold, warm, long_cold = [], [], []
    for _ in range(ROUNDS):
        tagger = Tagger(BUILT_IN)
        cold.append(per_comment_ms(tagger, comments))
        warm.append(per_comment_ms(tagger, comments))
        long_cold.append(per_comment_ms(Tagger(BUILT_IN), longest))
    record = {
        "bench": "themes", "command": command_line(), "machine": machine(),
        "comments": len(comments), "rounds": ROUNDS,
        "cold_ms": median(cold), "warm_ms": median(warm), "long_cold_ms": median(long_cold),
        "long_chars": max(len(c) for c in longest),
        # The limit is for the comments visitors write; the longest allowed is reported beside.
        "checks": {"per_comment": verdict(median(cold) <= LIMIT_MS)},
    }
    save("themes", record)
    print(json.dumps({k: record[k] for k in ("cold_ms", "warm_ms", "long_cold_ms")}))


if __name__ == "__main__":
    main()
