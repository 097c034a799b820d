"""Shared bench helpers: the machine, live servers (Tevreden, the reference), databases, memory."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
KEY = "bench-secret-key-" + "k" * 32

sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------- the machine

def machine() -> dict:
    """What the figures were measured on: they only mean something next to this."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
        "wrk": tool_version(["wrk", "--version"]),
        "commit": git_commit(),
    }


def postgres_version() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:
        return None


def tool_version(command: list[str]) -> str | None:
    if not shutil.which(command[0]):
        return None
    out = subprocess.run(command, capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else None


def git_commit() -> str | None:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    if out.returncode:
        return None
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"],
                           capture_output=True, text=True).stdout.strip()
    return out.stdout.strip() + (" + uncommitted changes" if dirty else "")


# ---------------------------------------------------------------- databases

@dataclass
class Database:
    """A fresh database for one bench: a SQLite file or a PostgreSQL schema."""

    kind: str
    url: str
    schema: str | None = None
    path: Path | None = None

    def drop(self) -> None:
        if self.schema:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    def raw(self):
        """A plain DB-API connection (no ORM), for the bare baselines and the bulk seeding."""
        if self.kind == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg

        conn = psycopg.connect(PG_URL)
        conn.execute(f'SET search_path TO "{self.schema}"')
        return conn


def fresh_database(kind: str, workdir: Path) -> Database:
    if kind == "sqlite":
        path = workdir / "bench.db"
        return Database("sqlite", f"sqlite:///{path}", path=path)
    import psycopg

    schema = f"tevreden_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_URL else "?"
    return Database("postgres", f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}",
                    schema=schema)


def bind(database: Database) -> None:
    """Point the project's models at this database and migrate it."""
    from server import db

    db.bind(db.open_database(database.url))
    db.migrate()


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tevreden_command() -> list[str]:
    # The installed console script when there is one: exactly what a user runs.
    script = Path(sys.executable).with_name("tevreden")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server.cli"]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path
    env: dict = field(repr=False)

    def workers(self) -> list[int]:
        """Pids of the gunicorn workers (children of the master)."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def serve(database: Database, workdir: Path, workers: int = 2, **env_overrides) -> Server:
    """`tevreden serve --workers N` on a free loopback port, rate limits off, logs to a file."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TEVREDEN_DATABASE_URL": database.url,
        "TEVREDEN_SECRET_KEY": KEY,
        "TEVREDEN_BASE_URL": url,
        "TEVREDEN_RATELIMIT": "off",
        "TEVREDEN_INSTANCE": str(workdir / "instance"),
        "PYTHONPATH": str(ROOT),
        **env_overrides,
    }
    command = tevreden_command()
    migrated = subprocess.run([*command, "migrate"], env=env, capture_output=True, text=True,
                              cwd=ROOT)
    if migrated.returncode:
        raise SystemExit(f"tevreden migrate failed:\n{migrated.stdout}{migrated.stderr}")
    return start([*command, "serve", "--host", "127.0.0.1", "--port", str(port),
                  "--workers", str(workers)], env, workdir, port, workers)


def serve_reference(workdir: Path, workers: int = 2) -> Server:
    """bench/reference.py under gunicorn with `tevreden serve`'s settings, on a free port."""
    from reference import open_database

    port = free_port()
    database = workdir / "reference.db"
    # Made here, so the workers' first connections do not race to switch it to WAL.
    open_database(str(database)).close()
    env = {**os.environ, "REFERENCE_DATABASE": str(database), "REFERENCE_SECRET_KEY": KEY,
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "-c", str(BENCH / "reference_gunicorn.py"),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "bench.reference:app"]
    return start(command, env, workdir, port, workers, probe="/w/probe")


def start(command: list[str], env: dict, workdir: Path, port: int, workers: int,
          probe: str = "/healthz") -> Server:
    """Run a server command with its output in a log file; return once `probe` answers 200."""
    log = workdir / f"server-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log, env)
    wait_until_up(server, workers, probe)
    return server


def wait_until_up(server: Server, workers: int, probe: str = "/healthz",
                  timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + probe, timeout=1) as response:
                if response.status == 200 and len(server.workers()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise SystemExit(f"server did not start; its output:\n{server.log.read_text()}")


# ---------------------------------------------------------------- memory

def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since start) of a process, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+)", status).group(1))
            for key in ("VmRSS", "VmHWM")}


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants, parents first."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids += process_tree(int(child))
    return pids


def smaps_rollup_kib(pid: int) -> dict[str, int]:
    """The memory totals of /proc/<pid>/smaps_rollup (Rss, Pss, Pss_Anon, ...), in KiB."""
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            figures[name.strip()] = int(value.split()[0])
    return figures


# ---------------------------------------------------------------- figures

def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(func, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def save(name: str, record: dict) -> Path:
    """Keep one bench's record; report.py turns all of them into RESULTS.md."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def command_line() -> str:
    return os.environ.get("BENCH_COMMAND") or " ".join(
        ["bench/run.sh", *sys.argv[1:]] if sys.argv else [])


def verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "MISS")


def kinds(argument: str | None) -> list[str]:
    """Which databases to run on: sqlite, postgres, or both (postgres only when reachable)."""
    wanted = (argument or os.environ.get("BENCH_DB") or "both").lower()
    if wanted == "both":
        return ["sqlite"] + (["postgres"] if postgres_version() else [])
    if wanted not in ("sqlite", "postgres"):
        raise SystemExit(f"unknown database {wanted!r}: sqlite, postgres or both")
    return [wanted]
