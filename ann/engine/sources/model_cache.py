"""On-disk cache of parsed gene models, one file per source file and contig.

Parsing a whole GENCODE contig in Python costs about a second (chr1); a dense input reads every
contig, so the parsed class intervals are kept as a pickle next to the repository's other caches
and reused until the source file changes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1  # bump when the cached structure or the classification changes
DEFAULT_DIR = Path(__file__).resolve().parents[3] / ".cache" / "engine"


def cache_dir() -> Path:
    """Return the cache folder: $GAS_ENGINE_CACHE or <repo>/.cache/engine."""
    env = os.environ.get("GAS_ENGINE_CACHE")
    return Path(env) if env else DEFAULT_DIR


def _path(source: str, identity: str, contig_key: str) -> Path:
    st = os.stat(source)
    text = f"{FORMAT_VERSION}|{os.path.realpath(source)}|{st.st_size}|{st.st_mtime_ns}|{identity}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    return cache_dir() / f"genes-{digest}-{contig_key}.pickle"


def load(source: str, identity: str, contig_key: str) -> object | None:
    """Return the cached model, or None when there is none (or it cannot be read)."""
    path = _path(source, identity, contig_key)
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        log.warning("ignoring unreadable gene model cache %s: %s", path, exc)
        return None


def store(source: str, identity: str, contig_key: str, model: object) -> None:
    """Write the model atomically; a read-only or full disk only costs the next run time."""
    path = _path(source, identity, contig_key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot cache the gene model in %s: %s", path.parent, exc)
