"""Widget pages rendered once per survey version and request, each visitor's with its token."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Response, current_app, make_response


class TokenPages:
    """The rendered widget page, kept with a placeholder where each visitor's token goes.

    Every visitor who opens the same survey version in the same language, mode, origin,
    touchpoint, segment and preselected score sees the same text but for the single-use
    token; rendering it costs more than the rest of the request. The key holds the survey's
    and its site's versions, which every change bumps, so a change renders anew. The least
    recently used of `size` pages goes first; templates that reload (debug) always render.
    """

    PLACEHOLDER = "\x1etevreden-form-token\x1e"  # no template, setting or tag can hold \x1e

    def __init__(self, size: int = 512):
        self.size = size
        self.kept: OrderedDict[Hashable, tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()

    def render(self, key: Hashable, token: str, render: Callable[[str], Response]) -> Response:
        """The page for `key` with `token` in it; `render(token)` makes it when not kept."""
        if current_app.jinja_env.auto_reload:
            return render(token)
        with self.lock:
            parts = self.kept.get(key)
            if parts is not None:
                self.kept.move_to_end(key)
        if parts is None:
            response = render(self.PLACEHOLDER)
            pieces = response.get_data(as_text=True).split(self.PLACEHOLDER)
            if response.status_code != 200 or len(pieces) != 2:
                return render(token)  # not a page this cache can hold: render as usual
            parts = (pieces[0], pieces[1])
            with self.lock:
                self.kept[key] = parts
                while len(self.kept) > self.size:
                    self.kept.popitem(last=False)
        return make_response(parts[0] + token + parts[1])


class Recently:
    """Whether a key was seen in this process within `seconds`: spares repeated writes."""

    def __init__(self, seconds: float, size: int = 1024):
        self.seconds, self.size = seconds, size
        self.seen: OrderedDict[Hashable, float] = OrderedDict()
        self.lock = threading.Lock()

    def first_in_a_while(self, key: Hashable) -> bool:
        now = time.monotonic()
        with self.lock:
            last = self.seen.get(key)
            if last is not None and now - last < self.seconds:
                return False
            self.seen[key] = now
            self.seen.move_to_end(key)
            while len(self.seen) > self.size:
                self.seen.popitem(last=False)
        return True
