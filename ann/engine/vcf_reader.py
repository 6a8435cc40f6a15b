"""Streaming VCF reader: plain, gzip or BGZF; header lines, then newline-aligned body blocks."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InvalidInputError

BLOCK_BYTES = 1_000_000  # read size; no longer than the default line limit (see _checked)
GZIP_MAGIC = b"\x1f\x8b"
# What a failing gzip stream raises: bad header, bad deflate data, or a stream cut short.
DECOMPRESSION_ERRORS = (gzip.BadGzipFile, zlib.error, EOFError)


def open_input(path: Path) -> BinaryIO:
    """Open a VCF as bytes, transparently decompressing gzip and BGZF (multi-member gzip)."""
    try:
        raw = open(path, "rb")  # returned to the caller, who closes it
    except OSError as exc:
        raise InvalidInputError(f"cannot open the input file ({exc.strerror})") from exc
    magic = raw.read(2)
    raw.seek(0)
    if magic == GZIP_MAGIC:
        raw.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]  # closes its own file
    return raw


class VcfReader:
    """Reads the header, then yields the body as blocks of whole lines, never a whole file."""

    def __init__(self, stream: BinaryIO, max_line_bytes: int = 1_000_000) -> None:
        self._stream = stream
        self.max_line_bytes = max_line_bytes
        self._buf = b""
        self._eof = False
        self.line_no = 0  # number of the last line handed out
        self.crlf = False

    def _read(self) -> bytes:
        """Read the next raw block, turning decompression failures into a user error."""
        try:
            data = self._stream.read(BLOCK_BYTES)
        except DECOMPRESSION_ERRORS as exc:
            raise InvalidInputError(
                "the compressed data is corrupt or truncated; the file cannot be read to its end",
                self.line_no + 1,
            ) from exc
        if b"\x00" in data:
            before = self._buf.count(b"\n") + data[: data.index(b"\x00")].count(b"\n")
            if self.line_no == 0 and not data.startswith(b"##"):
                before = 0  # a binary file has no lines to speak of: blame its start
            raise InvalidInputError(
                "the file contains binary data (a NUL byte); it is not a text VCF file",
                self.line_no + 1 + before,
            )
        if not data:
            self._eof = True
        return data

    def _too_long(self, line_no: int) -> InvalidInputError:
        return InvalidInputError(
            f"the line is longer than the limit of {self.max_line_bytes:,} bytes", line_no
        )

    def header_lines(self) -> Iterator[bytes]:
        """Yield header lines (without line ending) up to and including the #CHROM line."""
        while True:
            line = self._next_line()
            if line is None:
                return
            yield line
            if not line.startswith(b"#") or line.startswith(b"#CHROM"):
                return

    def _next_line(self) -> bytes | None:
        """Return the next line without its ending, or None at the end of the file."""
        while True:
            cut = self._buf.find(b"\n")
            if cut >= 0:
                line, self._buf = self._buf[:cut], self._buf[cut + 1 :]
                break
            if len(self._buf) > self.max_line_bytes:
                raise self._too_long(self.line_no + 1)
            data = self._read() if not self._eof else b""
            if not data:
                if not self._buf:
                    return None
                line, self._buf = self._buf, b""
                break
            self._buf += data
        self.line_no += 1
        if len(line) > self.max_line_bytes:
            raise self._too_long(self.line_no)
        if line.endswith(b"\r"):
            self.crlf = True
            line = line[:-1]
        return line

    def blocks(self) -> Iterator[tuple[bytes, int]]:
        """Yield (block, number of its first line): whole lines, each ending in LF, no CR."""
        carry = self._buf
        self._buf = b""
        while True:
            data = self._read() if not self._eof else b""
            if not data:
                break
            buf = carry + data if carry else data
            cut = buf.rfind(b"\n")
            if cut < 0:
                if len(buf) > self.max_line_bytes:
                    raise self._too_long(self.line_no + 1)
                carry = buf
                continue
            block, carry = buf[: cut + 1], buf[cut + 1 :]
            yield self._checked(block)
            if len(carry) > self.max_line_bytes:
                raise self._too_long(self.line_no + 1)
        if carry:
            yield self._checked(carry + b"\n")

    def _checked(self, block: bytes) -> tuple[bytes, int]:
        """Check line lengths in a block, normalise CRLF, and advance the line counter."""
        first = self.line_no + 1
        limit = self.max_line_bytes
        if limit < BLOCK_BYTES:
            lines = block.split(b"\n")
            if max(map(len, lines)) > limit:
                over = next(i for i, line in enumerate(lines) if len(line) > limit)
                raise self._too_long(first + over)
        elif block.find(b"\n") > limit:  # only a line begun in an earlier read can be that long
            raise self._too_long(first)
        if b"\r" in block:
            self.crlf = True
            block = block.replace(b"\r\n", b"\n")
        self.line_no += block.count(b"\n")
        return block, first
