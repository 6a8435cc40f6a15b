"""Property: output records equal input records apart from ID and the added INFO keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ann.engine import annotate_file

from .engine_fixtures import CHROM_LINE, HEADER, read_records, write_sources

ADDED = {"KNOWN_AF", "KNOWN_CLN", "LOWCOMP", "IN_LOWCOMP", "GENE", "GENE_ID", "REGION"}
bases = st.text("ACGT", min_size=1, max_size=4)
alt = st.one_of(
    st.lists(bases, min_size=1, max_size=3).map(",".join),
    st.sampled_from(["<DEL>", "<INS>", "*", ".", "A,<NON_REF>"]),
)
info = st.one_of(
    st.just("."),
    st.lists(st.sampled_from(["DP=3", "DB", "AC=1,2", "NOTE=x y"]), min_size=1, max_size=3,
             unique=True).map(";".join),
)
record = st.tuples(
    st.integers(1, 7000), st.sampled_from([".", "rs5", "id1;id2"]), bases, alt, info,
    st.sampled_from(["0/1", "1|1", "./.", "0/1:3"]),
)
contig_runs = st.lists(
    st.tuples(st.sampled_from(["chr1", "2", "MT"]), st.lists(record, max_size=25)),
    max_size=3, unique_by=lambda run: run[0],
)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return write_sources(tmp_path_factory.mktemp("sources"))


@settings(max_examples=60, deadline=None)
@given(runs=contig_runs, processes=st.sampled_from([1, 2]))
def test_records_pass_through(config, tmp_path_factory, runs, processes):
    lines = []
    for contig, recs in runs:
        for pos, ident, ref, alts, inf, gt in sorted(recs):
            lines.append(f"{contig}\t{pos}\t{ident}\t{ref}\t{alts}\t50\tPASS\t{inf}\tGT\t{gt}")
    folder = tmp_path_factory.mktemp("run")
    path = folder / "in.vcf"
    path.write_text(HEADER + CHROM_LINE + "\tFORMAT\tS1\n" + "".join(x + "\n" for x in lines))
    annotate_file(path, folder / "out.vcf", config_path=config, processes=processes)
    out = read_records(folder / "out.vcf")
    assert len(out) == len(lines)
    for before, after in zip((x.split("\t") for x in lines), out, strict=True):
        assert after[:2] + after[3:7] + after[8:] == before[:2] + before[3:7] + before[8:]
        kept = [i for i in after[7].split(";") if i.split("=")[0] not in ADDED]
        assert ";".join(kept or ["."]) == before[7]
        if before[2] != ".":
            assert after[2].split(";")[: len(before[2].split(";"))] == before[2].split(";")
