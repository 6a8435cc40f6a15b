"""Read a source's text lines (bgzip, gzip or plain) for preparing, checking the sort order."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator

from ..contigs import normalise
from ..errors import ConfigError

READ_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile)


def open_text(path: str):
    """Open a source file as bytes, decompressing gzip/BGZF when it is compressed.

    A compressed file is read through a buffered reader over the gzip stream: Python's gzip
    readline costs more than the whole rest of preparing a record.
    """
    try:
        with open(path, "rb") as probe:
            magic = probe.read(2)
        if magic != b"\x1f\x8b":
            return open(path, "rb")
        return io.BufferedReader(gzip.open(path, "rb"), 1 << 20)
    except OSError as exc:
        raise ConfigError(f"cannot read source {path}: {exc}") from exc


def header_lines(path: str) -> list[str]:
    """Return the leading '#' lines of a source file."""
    out = []
    with open_text(path) as handle:
        try:
            for raw in handle:
                if not raw.startswith(b"#"):
                    break
                out.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
        except READ_ERRORS as exc:
            raise ConfigError(f"cannot read the header of source {path}: {exc}") from exc
    return out


def contig_runs(path: str, start_column: int,
                skip=lambda line: line.startswith(b"#")) -> Iterator[tuple[str, str, Iterator]]:
    """Yield (contig key, contig name, iterator of (line number, columns)) per contig run.

    Checks while reading that a contig's lines are together and sorted by the start column
    (1-based positions or 0-based starts alike); an unsorted file is a clear ConfigError.
    """
    state = {"line": 0, "pending": None}
    seen: set[str] = set()
    with open_text(path) as handle:
        lines = iter(handle)

        def next_record():
            for raw in lines:
                state["line"] += 1
                if skip(raw) or not raw.strip():
                    continue
                return raw.rstrip(b"\r\n").split(b"\t")
            return None

        try:
            cols = next_record()
            while cols is not None:
                name = cols[0].decode("utf-8", "replace")
                key = normalise(name)
                if key in seen:
                    raise ConfigError(
                        f"source {path} is not sorted: contig {name} appears again on line "
                        f"{state['line']} after other contigs (sort it, e.g. bcftools sort or "
                        "sort -k1,1 -k2,2n, then bgzip)")
                seen.add(key)
                state["pending"] = cols

                def run(name=name):
                    last = -1
                    cols = state["pending"]
                    while cols is not None and cols[0].decode("utf-8", "replace") == name:
                        try:
                            start = int(cols[start_column])
                        except (IndexError, ValueError):
                            raise ConfigError(
                                f"source {path} line {state['line']}: column "
                                f"{start_column + 1} is not a position") from None
                        if start < last:
                            raise ConfigError(
                                f"source {path} is not sorted: position {start} on {name} "
                                f"(line {state['line']}) comes after {last}; sort it, e.g. "
                                "bcftools sort or sort -k1,1 -k2,2n, then bgzip")
                        last = start
                        yield state["line"], cols
                        cols = next_record()
                    state["pending"] = cols

                yield key, name, run()
                cols = state["pending"]
        except READ_ERRORS as exc:
            raise ConfigError(f"cannot read source {path} (line {state['line']}): {exc}") from exc
