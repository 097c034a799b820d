"""Background threads of a worker process: the daily purge check, the WAL checkpoints."""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod


class WorkerThread(ABC):
    """A daemon thread each worker process starts once, at its first request.

    Lazily, so that it runs in the processes gunicorn forks rather than in the one that
    forked them. It runs `step` at once and then every `interval` seconds until stopped.
    """

    name = "tevreden-background"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        """Cheap on every request: one integer comparison once the thread runs."""
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid != os.getpid():  # a new process (gunicorn forked us) needs its thread
                self.forked()
                self.stopped.clear()
                self.thread = threading.Thread(target=self.loop, name=self.name, daemon=True)
                self.thread.start()
                self.pid = os.getpid()

    def forked(self) -> None:
        """Drop what a new process must not share with the one it was forked from."""
        return None  # nothing, unless a subclass holds such a thing

    @abstractmethod
    def step(self) -> object:
        """One round of the thread's work; it must not raise, or the thread ends."""

    def finished(self) -> None:
        """Release what the thread held, once it is stopped."""
        return None  # nothing, unless a subclass holds such a thing

    def loop(self) -> None:
        while not self.stopped.is_set():
            self.step()
            self.stopped.wait(self.interval)
        self.finished()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
