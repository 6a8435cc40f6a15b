"""What a finished job's pages read, kept in the web process so a second view costs no AWS call.

A job's result files are written once, before the row says COMPLETED, under keys derived from
the job id; after that their content never changes (archiving moves the result to another
storage class, it does not rewrite it). So what is read from them (the summary, the count log,
a preview page for a given filter) is cached per web process without expiry, in a bounded LRU.
The row itself is read on every view (it can still change: archived, restored, and it is
the ownership check), and so are the users' job lists: a view of a finished job costs one
DynamoDB read instead of three calls. An object is only reached through a row the signed-in
user owns, and the cache key carries the owner's id and the row's archive id.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

from gas.jobs import COMPLETED

MAX_OBJECTS = 512  # summaries, logs and preview pages together
MAX_CACHED_TEXT_CHARS = 256 * 1024  # a log longer than this is read each time, not held
EXTENSION = "gas_page_cache"


class Lru:
    """A thread-safe map that drops its least recently used entries beyond `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value, or None when absent."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class PageCache:
    """One web process's cache of finished jobs' file contents."""

    def __init__(self) -> None:
        self.objects = Lru(MAX_OBJECTS)


def page_cache() -> PageCache:
    """This app's cache (made on first use)."""
    return current_app.extensions.setdefault(EXTENSION, PageCache())


def finished_object(read: Callable) -> Callable:
    """Cache `read(settings, job, *args)` for a COMPLETED job, by the job's result keys and args.

    The row's archive id is part of the key, so an archived or restored result is read anew.
    """

    @functools.wraps(read)
    def cached(settings, job: dict, *args):
        if job.get("job_status") != COMPLETED:
            return read(settings, job, *args)
        key = (read.__qualname__, job.get("user_id"), job.get("s3_results_bucket"),
               job.get("s3_key_result_file"), job.get("results_file_archive_id"), repr(args))
        cache = page_cache().objects
        value = cache.get(key)
        if value is None:
            value = read(settings, job, *args)
            if value is not None and _small(value):
                cache.put(key, value)
        return copy.deepcopy(value)

    return cached


def _small(value: Any) -> bool:
    """Whether a value is small enough to hold (long logs are read each time)."""
    texts = value if isinstance(value, tuple) else (value,)
    return all(not isinstance(t, str) or len(t) <= MAX_CACHED_TEXT_CHARS for t in texts)
