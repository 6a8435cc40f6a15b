"""Malformed inputs: a typed error / exit status 2, the line number named, no output left."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ann.engine import InvalidInputError, annotate_file

from .engine_fixtures import CHROM_LINE, HEADER, run_cli, vcf_text

GOOD = ["chr1 100 . A G . . .", "chr1 200 . C T . . ."]
FIRST_RECORD_LINE = HEADER.count("\n") + 2  # header lines, the #CHROM line, then records


def records(*lines: str) -> bytes:
    return vcf_text(list(lines)).encode()


def truncated_gzip() -> bytes:
    data = gzip.compress(records(*[f"chr1 {p} . A G . . DP={p}" for p in range(1, 20000)]))
    return data[: len(data) // 2]


# (id, file content, expected line number, words the message must contain, extra CLI args)
CASES = [
    ("empty", b"", 1, "empty", []),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "binary", []),
    ("not-vcf-text", b"name,age\nbob,3\n", 1, "##fileformat", []),
    ("corrupt-gzip", b"\x1f\x8b\x08\x00" + b"garbage" * 20, 1, "corrupt", []),
    ("truncated-gzip", truncated_gzip(), None, "truncated", []),
    ("record-before-chrom", (HEADER + "chr1\t1\t.\tA\tG\t.\t.\t.\n").encode(), 7, "#CHROM", []),
    ("no-chrom-line", HEADER.encode(), 6, "#CHROM", []),
    ("too-few-header-columns", (HEADER + "#CHROM\tPOS\tID\n").encode(), 7, "columns", []),
    ("space-separated-header", (HEADER + CHROM_LINE.replace("\t", " ") + "\n").encode(), 7,
     "columns", []),
    ("misnamed-header-column", (HEADER + CHROM_LINE.replace("REF", "REFS") + "\n").encode(), 7,
     "REFS", []),
    ("record-too-few-columns", records(GOOD[0], "chr1 150 . A G ."), FIRST_RECORD_LINE + 1,
     "columns", []),
    ("record-too-many-columns", records("chr1 100 . A G . . . extra"), FIRST_RECORD_LINE,
     "columns", []),
    ("pos-not-integer", records(GOOD[0], "chr1 1e5 . A G . . ."), FIRST_RECORD_LINE + 1, "POS",
     []),
    ("pos-zero", records("chr1 0 . A G . . ."), FIRST_RECORD_LINE, "POS", []),
    ("pos-negative", records("chr1 -5 . A G . . ."), FIRST_RECORD_LINE, "POS", []),
    ("ref-invalid", records(GOOD[0], "chr1 150 . X1 G . . ."), FIRST_RECORD_LINE + 1, "REF", []),
    ("ref-empty", records("chr1 150 .  G . . ."), FIRST_RECORD_LINE, "REF", []),
    ("alt-empty-allele", records("chr1 150 . A A,,G . . ."), FIRST_RECORD_LINE, "ALT", []),
    ("alt-unclosed-symbolic", records("chr1 150 . A <DEL . . ."), FIRST_RECORD_LINE, "ALT", []),
    ("alt-digits", records("chr1 150 . A 12 . . ."), FIRST_RECORD_LINE, "ALT", []),
    ("unsorted", records(*GOOD, "chr1 150 . A G . . ."), FIRST_RECORD_LINE + 2, "sorted", []),
    ("contig-reappears", records(*GOOD, "chr2 10 . A G . . .", "chr1 300 . A G . . ."),
     FIRST_RECORD_LINE + 3, "again", []),
    ("line-over-limit", records(GOOD[0], "chr1 150 . A G . . DP=" + "9" * 500),
     FIRST_RECORD_LINE + 1, "longer", ["--max-line-bytes", "200"]),
    ("nul-in-record", records(GOOD[0]) + b"chr1\t300\t.\tA\x00\tG\t.\t.\t.\n",
     FIRST_RECORD_LINE + 1, "binary", []),
    ("sample-count-mismatch",
     vcf_text(["chr1 100 . A G . . . GT 0/1"],
              chrom_line=CHROM_LINE + "\tFORMAT\tS1\tS2").encode(), FIRST_RECORD_LINE, "columns",
     []),
]


def _write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "input.vcf"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("content", "line", "words", "args"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_rejects_with_exit_2_and_the_line(tmp_path, sources, content, line, words, args):
    path = _write(tmp_path, content)
    out = tmp_path / "out"
    result = run_cli("annotate", str(path), "-o", str(out / "x.annot.vcf"),
                     "--config", str(sources), *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    if line is not None:
        assert f"Line {line}:" in result.stderr
    else:
        assert "Line " in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(("content", "line", "words", "args"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_library_raises_typed_error(tmp_path, sources, content, line, words, args):
    path = _write(tmp_path, content)
    limit = int(args[1]) if args else 1_000_000
    out = tmp_path / "result.annot.vcf"
    with pytest.raises(InvalidInputError) as caught:
        annotate_file(path, out, log_path=tmp_path / "r.log", summary_path=tmp_path / "r.json",
                      config_path=sources, max_line_bytes=limit)
    assert words in str(caught.value)
    if line is not None:
        assert caught.value.line == line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.vcf", "sources"]


def test_parallel_run_reports_the_same_error(tmp_path, sources):
    lines = [f"chr1 {p} . A G . . ." for p in range(1, 200_001)]
    lines[150_000] = "chr1 150001 . A Q . . ."
    path = _write(tmp_path, records(*lines))
    with pytest.raises(InvalidInputError) as caught:
        annotate_file(path, tmp_path / "o.vcf", config_path=sources, processes=2)
    assert caught.value.line == FIRST_RECORD_LINE + 150_000
    assert "ALT 'Q'" in str(caught.value)


@pytest.mark.parametrize("bad", [30, 31, 77])
def test_disorder_across_chunk_boundaries_is_found(tmp_path, sources, monkeypatch, bad):
    from ann.engine import chunks, vcf_reader

    monkeypatch.setattr(vcf_reader, "BLOCK_BYTES", 64)  # a few lines per block and chunk
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 64)
    lines = [f"chr1 {p * 10} . A G . . ." for p in range(1, 101)]
    lines[bad] = "chr1 15 . A G . . ."
    path = _write(tmp_path, records(*lines))
    with pytest.raises(InvalidInputError) as caught:
        annotate_file(path, tmp_path / "o.vcf", config_path=sources)
    assert caught.value.line == FIRST_RECORD_LINE + bad
    assert "not sorted" in str(caught.value)
