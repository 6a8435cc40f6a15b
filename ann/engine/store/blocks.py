"""Tables of keyed records cut into compressed blocks, with a small in-memory block index.

A table is a sequence of records sorted by an integer key (a position, or the record's ordinal).
Records are written in blocks of a few hundred to a few thousand; each block holds its keys
(int64, zlib) and its payload (one line per record, zlib), so a reader decompresses only the
blocks a look-up needs, and the payload only when a key matched. Blocks are read with pread
(never mmap), so memory stays flat whatever the size of the file.
"""

from __future__ import annotations

import os
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict

BLOCK_RECORDS = 1024  # records per block (measured: see ann/engine/README.md)
BLOCK_BYTES = 32 << 10  # ... or fewer, once the payload reaches this size
# Tables read by ordinal (sets, members) are hit at scattered records: smaller blocks.
SMALL_RECORDS, SMALL_BYTES = 128, 8 << 10
ZLIB_LEVEL = 2  # measured: level 6 compresses 5% smaller at 3x the time
CACHE_BLOCKS = 16  # decompressed blocks kept per table (enough for a sorted sweep)
_INDEX_FIELDS = ("first", "last", "offset", "keys_len", "length", "ordinal")


class BlockWriter:
    """Append one table's records to a shared data file, a block at a time."""

    def __init__(self, out, keyed: bool = True) -> None:
        self._out = out  # a binary file opened for appending; shared by several tables
        self.keyed = keyed
        self._max_records, self._max_bytes = (BLOCK_RECORDS, BLOCK_BYTES) if keyed else \
            (SMALL_RECORDS, SMALL_BYTES)
        self.index = {name: array("q") for name in _INDEX_FIELDS}
        self._keys = array("q")
        self._lines: list[bytes] = []
        self._bytes = 0
        self.records = 0

    def add(self, key: int, payload: bytes) -> None:
        """Add one record; a block never ends between two records with the same key."""
        keys = self._keys
        if (len(keys) >= self._max_records or self._bytes >= self._max_bytes) and \
                key != keys[-1]:
            self.flush()
            keys = self._keys
        keys.append(key)
        self._lines.append(payload)
        self._bytes += len(payload) + 1

    def flush(self) -> None:
        """Write the block in hand (if any) to the data file."""
        keys = self._keys
        if not keys:
            return
        kz = zlib.compress(keys.tobytes(), ZLIB_LEVEL) if self.keyed else b""
        pz = zlib.compress(b"\n".join(self._lines), ZLIB_LEVEL)
        index = self.index
        index["first"].append(keys[0])
        index["last"].append(keys[-1])
        index["offset"].append(self._out.tell())
        index["keys_len"].append(len(kz))
        index["length"].append(len(kz) + len(pz))
        index["ordinal"].append(self.records)
        self._out.write(kz)
        self._out.write(pz)
        self.records += len(keys)
        self._keys, self._lines, self._bytes = array("q"), [], 0

    def finish(self) -> dict:
        """Flush and write the block index; return its location for the store's metadata."""
        self.flush()
        offset = self._out.tell()
        blob = b"".join(self.index[name].tobytes() for name in _INDEX_FIELDS)
        self._out.write(blob)
        return {"index": offset, "blocks": len(self.index["first"]), "records": self.records}


class Block:
    """One decompressed block: its keys (when keyed) and its payload lines on demand."""

    __slots__ = ("keys", "ordinal", "_data", "_lines")

    def __init__(self, keys: array | None, ordinal: int, data: bytes) -> None:
        self.keys = keys
        self.ordinal = ordinal
        self._data = data  # the compressed payload, decompressed on first use
        self._lines: list[bytes] | None = None

    @property
    def lines(self) -> list[bytes]:
        """The payload, one bytes item per record."""
        if self._lines is None:
            self._lines = zlib.decompress(self._data).split(b"\n")
            self._data = b""
        return self._lines


class TableReader:
    """Read one table of a store through its block index."""

    def __init__(self, fd: int, entry: dict) -> None:
        self._fd = fd
        n = entry["blocks"]
        raw = os.pread(fd, 8 * n * len(_INDEX_FIELDS), entry["index"]) if n else b""
        cols = {}
        for i, name in enumerate(_INDEX_FIELDS):
            col = array("q")
            col.frombytes(raw[8 * n * i: 8 * n * (i + 1)])
            cols[name] = col
        self.first, self.last = cols["first"], cols["last"]
        self._offset, self._keys_len = cols["offset"], cols["keys_len"]
        self._length, self._ordinal = cols["length"], cols["ordinal"]
        self.blocks = n
        self.records = entry["records"]
        self._cache: OrderedDict[int, Block] = OrderedDict()

    def block(self, b: int) -> Block:
        """Return block b, decompressing its keys (payload later, when asked for)."""
        cache = self._cache
        hit = cache.get(b)
        if hit is not None:
            cache.move_to_end(b)
            return hit
        raw = os.pread(self._fd, self._length[b], self._offset[b])
        kl = self._keys_len[b]
        keys = None
        if kl:
            keys = array("q")
            keys.frombytes(zlib.decompress(raw[:kl]))
        block = cache[b] = Block(keys, self._ordinal[b], raw[kl:])
        if len(cache) > CACHE_BLOCKS:
            cache.popitem(last=False)
        return block

    def block_at(self, key: int, hint: int = 0) -> int:
        """Return the first block whose last key is >= key (self.blocks when none is)."""
        return bisect_left(self.last, key, hint)

    def by_ordinal(self, ordinal: int) -> bytes:
        """Return the payload of the record with this ordinal (0-based)."""
        b = bisect_right(self._ordinal, ordinal) - 1
        return self.block(b).lines[ordinal - self._ordinal[b]]
