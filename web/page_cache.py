"""What a finished job's pages read, kept in the web process so a second view costs no AWS call.

A job's result files are written once, before the row says COMPLETED, under keys derived from
the job id; after that their content never changes (archiving moves the result to another
storage class, it does not rewrite it). So what is read from them (the summary, the count log,
a preview page for a given filter) is cached per web process without expiry, in a bounded LRU.
An object is only reached through a row the signed-in user owns, and the cache key carries the
owner's id and the row's archive id.

Rows and job lists can still change (a finished result is archived or restored; a job is
submitted or finishes), so the read-only views keep them for RECENT_SECONDS only: each web
process reads a finished job's row, or one page of a user's list, at most once a second however
many views ask (under load that is what bounds the calls to DynamoDB). A second is within what
DynamoDB already allows: the user index behind the lists is only eventually consistent. A job
still PENDING or RUNNING is read on every view (its progress and the end of its run show at
once), a submission forgets the submitting user's lists in its process, and what downloads or
changes a job (downloads, re-runs) reads its row afresh (`web.jobviews.get_job_or_404`).

Presigned download links live five minutes; one is handed out again for a minute
(LINK_REUSE_SECONDS), since signing is most of an API listing's cost.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from time import monotonic
from typing import Any

from flask import current_app

from gas.jobs import COMPLETED, FAILED
from web import services

MAX_OBJECTS = 512  # summaries, logs and preview pages together
RECENT_SECONDS = 1.0  # how long a finished job's row or a page of a job list is reused
MAX_RECENT = 1024  # rows and list pages together
# A presigned link is handed out again for this long: signing costs ~0.3 ms and a job in an
# API listing carries four links. Far below their life (web.jobviews.PRESIGNED_URL_SECONDS).
LINK_REUSE_SECONDS = 60.0
MAX_LINKS = 4096  # about 700 bytes each
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

    def drop(self, matches: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key matches."""
        with self._lock:
            for key in [k for k in self._items if matches(k)]:
                del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


class Recent:
    """A bounded map whose entries are served for `seconds` after they were stored."""

    def __init__(self, seconds: float, size: int) -> None:
        self._seconds = seconds
        self._items = Lru(size)

    def get(self, key: Hashable) -> Any | None:
        """The value if stored less than `seconds` ago, else None."""
        entry = self._items.get(key)
        if entry is None or monotonic() - entry[0] >= self._seconds:
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value from now."""
        self._items.put(key, (monotonic(), value))

    def forget(self, matches: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key matches."""
        self._items.drop(matches)


class PageCache:
    """One web process's cache of finished jobs' file contents, rows and job lists."""

    def __init__(self) -> None:
        self.objects = Lru(MAX_OBJECTS)
        self.recent = Recent(RECENT_SECONDS, MAX_RECENT)
        self.links = Recent(LINK_REUSE_SECONDS, MAX_LINKS)


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
        return copy.deepcopy(_get_or_load(page_cache().objects, key,
                                          lambda: read(settings, job, *args), _small))

    return cached


def _get_or_load(cache: Lru | Recent, key: Hashable, load: Callable[[], Any],
                 keep: Callable[[Any], bool] = lambda value: True) -> Any:
    """The cached value, else `load()`'s, stored when it is not None and `keep` says so."""
    value = cache.get(key)
    if value is None:
        value = load()
        if value is not None and keep(value):
            cache.put(key, value)
    return value


def _small(value: Any) -> bool:
    """Whether a value is small enough to hold (long logs are read each time)."""
    texts = value if isinstance(value, tuple) else (value,)
    return all(not isinstance(t, str) or len(t) <= MAX_CACHED_TEXT_CHARS for t in texts)


def recent_owned_job(job_id: str, user_id: str) -> dict | None:
    """The user's job row (None if not theirs); a finished one read at most once a second."""
    # Stored only after the ownership check (get_owned): the key names the owner.
    return copy.deepcopy(_get_or_load(
        page_cache().recent, ("row", job_id, user_id),
        lambda: services.job_store().get_owned(job_id, user_id),
        lambda row: row.get("job_status") in (COMPLETED, FAILED)))


def recent_job_list(user_id: str, limit: int,
                    page_token: str | None) -> tuple[list[dict], str | None]:
    """One page of the user's jobs (`JobStore.list_for_user`), read at most once a second."""
    return copy.deepcopy(_get_or_load(
        page_cache().recent, ("list", user_id, limit, page_token),
        lambda: services.job_store().list_for_user(user_id, limit, page_token)))


def reused_link(key: Hashable, sign: Callable[[], str]) -> str:
    """The link `sign()` makes for an object, handed out again for LINK_REUSE_SECONDS (an
    object's key is only reached through a row its owner was allowed to see)."""
    return _get_or_load(page_cache().links, key, sign)


def forget_job_lists(user_id: str) -> None:
    """After a submission: this process's next list of the user's jobs is read afresh."""
    page_cache().recent.forget(lambda key: key[0] == "list" and key[1] == user_id)
