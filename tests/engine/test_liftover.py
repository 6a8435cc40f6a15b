"""Lifting records with UCSC chains held as arrays: positions, statuses, strands, edges."""

from __future__ import annotations

import numpy as np
import pysam
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ann.engine.errors import ConfigError
from ann.engine.liftover import (
    Chain,
    LiftPlan,
    LiftStatus,
    TargetSequence,
    chains_in,
    lift_info,
    parse_chains,
)

# chr1 [100,400) maps onto chr2 with an alignment gap (10 source bases deleted) and an
# insertion (20 target bases) between its blocks; chr1 [600,700) maps onto chr3's reverse
# strand (chr3 is 300 bp); chrM maps onto itself. Coordinates in the text are 0-based.
CHAIN = """\
chain 1000 chr1 1000 + 100 400 chr2 2000 + 500 840 1
100\t10\t30
50\t0\t20
140

chain 500 chr1 1000 + 600 700 chr3 300 - 50 150 2
100

chain 90 chrM 16571 + 0 16571 chrM 16571 + 0 16571 3
16571
"""
S = LiftStatus


def chain(text: str = CHAIN, **kwargs) -> Chain:
    """Parse chain text as GRCh37 -> GRCh38 with MT as the identity contig."""
    kwargs.setdefault("identity", {"MT": 16569})
    return parse_chains(text.splitlines(), source="GRCh37", target="GRCh38", name="t.chain",
                        **kwargs)[0]


@pytest.mark.parametrize(("contig", "pos", "end", "status", "out"), [
    ("chr1", 101, 101, S.LIFTED, ("2", 501, 501)),  # first base of the first block
    ("1", 200, 200, S.LIFTED, ("2", 600, 600)),  # last base of it; the name without chr
    ("chr1", 150, 152, S.LIFTED, ("2", 550, 552)),  # a 3-base REF inside a block
    ("chr1", 201, 201, S.NO_CHAIN, ("chr1", 201, 201)),  # deleted in the target
    ("chr1", 199, 202, S.CROSSES_GAP, ("chr1", 199, 202)),  # runs into the deletion
    ("chr1", 260, 261, S.CROSSES_GAP, ("chr1", 260, 261)),  # spans the insertion
    ("chr1", 261, 261, S.LIFTED, ("2", 701, 701)),  # third block, after the insertion
    ("chr1", 399, 402, S.CROSSES_CHAIN_EDGE, ("chr1", 399, 402)),  # past the chain's end
    ("chr1", 400, 400, S.LIFTED, ("2", 840, 840)),  # the chain's last base
    ("chr1", 650, 650, S.REVERSE_STRAND, ("3", 201, 201)),
    ("chr1", 601, 603, S.REVERSE_STRAND, ("3", 248, 250)),  # span reversed onto + strand
    ("chr1", 50, 50, S.NO_CHAIN, ("chr1", 50, 50)),  # before any chain
    ("chr9", 150, 150, S.NO_CHAIN, ("chr9", 150, 150)),  # a contig the chains lack
    ("chrM", 16569, 16569, S.LIFTED, ("MT", 16569, 16569)),  # rCRS onto itself
    ("MT", 16569, 16570, S.CROSSES_CHAIN_EDGE, ("MT", 16569, 16570)),
])
def test_one_record(contig, pos, end, status, out):
    lifted = chain().lift([contig], [pos], [end])
    assert LiftStatus(int(lifted.status[0])) == status
    assert (lifted.contig[0], int(lifted.pos[0]), int(lifted.end[0])) == out
    assert lifted.reason(0) == (None if status is S.LIFTED else status.name.lower())


def test_a_batch_on_mixed_contigs_and_its_counts():
    lifted = chain().lift(["chr1", "chr1", "chrM", "chr9"], [101, 201, 10, 5], [101, 201, 10, 5])
    assert list(lifted.contig) == ["2", "chr1", "MT", "chr9"]
    assert lifted.counts() == {"lifted": 2, "no_chain": 2}


def test_one_contig_name_for_the_whole_batch():
    lifted = chain().lift("chr1", np.array([101, 261]), np.array([101, 261]))
    assert list(lifted.pos) == [501, 701] and list(lifted.contig) == ["2", "2"]


def test_end_before_pos_is_taken_as_a_single_base():
    assert list(chain().lift(["chr1"], [150], [0]).end) == [550]


def test_chains_onto_contigs_without_data_are_dropped_and_counted():
    parsed, counts = parse_chains(CHAIN.splitlines(), source="GRCh37", target="GRCh38",
                                  name="t", target_contigs={"2"}, identity={"MT": 16569})
    assert counts == {"chains": 3, "blocks": 3, "chains_dropped_target_contig": 1,
                      "chains_dropped_identity": 1}
    assert LiftStatus(int(parsed.lift(["chr1"], [650], [650]).status[0])) is S.NO_CHAIN


def test_overlapping_blocks_are_refused():
    text = CHAIN + "chain 5 chr1 1000 + 150 160 chr2 2000 + 0 10 4\n10\n"
    with pytest.raises(ConfigError, match="overlap on 1 at 150"):
        chain(text)


def test_block_line_before_any_chain_is_refused():
    with pytest.raises(ConfigError, match="before the first chain"):
        chain("100\t0\t0\n")


def test_saved_arrays_load_back_the_same(tmp_path):
    path = tmp_path / "c.npz"
    original = chain()
    original.save(path)
    loaded = Chain.load(path)
    assert (loaded.source, loaded.target, loaded.name, loaded.identity) == (
        "GRCh37", "GRCh38", "t.chain", {"MT": 16569})
    queries = (["chr1"] * 4, [101, 261, 650, 201], [101, 261, 650, 201])
    a, b = original.lift(*queries), loaded.lift(*queries)
    assert list(a.pos) == list(b.pos) and list(a.status) == list(b.status)


def test_missing_or_foreign_file_is_an_operator_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        Chain.load(tmp_path / "none.npz")
    np.savez(tmp_path / "other.npz", meta=np.frombuffer(b'{"format": 99}', dtype=np.uint8))
    with pytest.raises(ConfigError, match="chain format 99"):
        Chain.load(tmp_path / "other.npz")


def test_liftover_table_of_a_sources_toml(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '[liftover]\nNCBI36 = "chains/hg18ToHg19.npz"\n\n[[annotation]]\nfile = "x.vcf.gz"\n')
    assert chains_in(tmp_path / "sources.toml") == {
        "NCBI36": tmp_path / "chains" / "hg18ToHg19.npz"}
    (tmp_path / "bad.toml").write_text("liftover = 3\n")
    with pytest.raises(ConfigError, match=r"\[liftover\]"):
        chains_in(tmp_path / "bad.toml")


def test_ref_is_checked_against_the_target_sequence(tmp_path):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr2\n" + "A" * 500 + "CGT" + "A" * 1497 + "\n")
    pysam.tabix_compress(str(fasta), str(fasta) + ".gz")
    pysam.faidx(str(fasta) + ".gz")
    lifted = chain().lift(["chr1", "chr1", "chr1", "chrM"], [101, 101, 261, 5], [103, 101, 261, 5])
    checked = TargetSequence(str(fasta) + ".gz").check(lifted, ["CGT", "G", "a", "T"])
    # 501-503 is CGT; G is not C at 501; 701 is A (case does not matter); MT is not in it.
    assert [LiftStatus(int(s)) for s in checked.status] == [S.LIFTED, S.REF_MISMATCH,
                                                             S.LIFTED, S.LIFTED]


def _walk(blocks: list[tuple[int, int, int, bool]], chain_end: int, pos: int, end: int):
    """The obvious per-record reference: scan the blocks (t0, t1, forward q0, reverse)."""
    s, e = pos - 1, end
    for t0, t1, q0, rev in blocks:
        if t0 <= s < t1:
            if e > t1:
                return (S.CROSSES_GAP if e <= chain_end else S.CROSSES_CHAIN_EDGE), pos
            if rev:
                return S.REVERSE_STRAND, q0 + (t1 - e) + 1
            return S.LIFTED, q0 + (s - t0) + 1
    return S.NO_CHAIN, pos


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.tuples(st.integers(1, 40), st.integers(0, 15), st.integers(0, 15)),
                   min_size=1, max_size=12),
    start=st.integers(0, 50), reverse=st.booleans(),
    queries=st.lists(st.tuples(st.integers(1, 700), st.integers(0, 6)), min_size=1,
                     max_size=40),
)
def test_vectorised_lift_equals_a_per_record_walk(parts, start, reverse, queries):
    blocks, t, q = [], start, 7
    lines = []
    for size, dt, dq in parts:
        blocks.append((t, t + size, q, size))
        lines.append(f"{size}\t{dt}\t{dq}")
        t, q = t + size + dt, q + size + dq
    t_end = blocks[-1][1]
    q_end = blocks[-1][2] + blocks[-1][3]
    q_size = q_end + 11
    lines[-1] = lines[-1].split("\t")[0]
    header = (f"chain 1 chr1 5000 + {start} {t_end} chr2 {q_size} {'-' if reverse else '+'} "
              f"7 {q_end} 1")
    lifted = chain("\n".join([header, *lines])).lift(
        ["chr1"] * len(queries), [p for p, _ in queries], [p + n for p, n in queries])
    fwd = [(t0, t1, (q_size - q0 - n) if reverse else q0, reverse) for t0, t1, q0, n in blocks]
    for i, (p, n) in enumerate(queries):
        status, want = _walk(fwd, t_end, p, p + n)
        assert LiftStatus(int(lifted.status[i])) == status
        if status in (S.LIFTED, S.REVERSE_STRAND):
            assert int(lifted.pos[i]) == want and int(lifted.end[i]) == want + n


def _plan_folder(tmp_path, with_reference: bool = True):
    """Write a sources TOML naming the test chain (GRCh37 -> GRCh38) and a chr2 sequence."""
    chain().save(tmp_path / "c.npz")
    lines = ['[liftover]', 'GRCh37 = "c.npz"']
    if with_reference:
        fasta = tmp_path / "ref.fa"
        fasta.write_text(">chr2\n" + "A" * 500 + "CGT" + "A" * 1497 + "\n")
        pysam.tabix_compress(str(fasta), str(fasta) + ".gz")
        pysam.faidx(str(fasta) + ".gz")
        lines.insert(0, 'reference = "ref.fa.gz"')
    (tmp_path / "sources.toml").write_text("\n".join(lines) + "\n")
    return tmp_path / "sources.toml"


def test_lift_plan_counts_chunks_and_writes_the_summary_and_log_line(tmp_path):
    plan = LiftPlan.load(_plan_folder(tmp_path), "GRCh37", "GRCh38")
    first = plan.lift("chr1", [101, 201], [103, 201], ["CGT", "A"])
    second = plan.lift(["1", "1"], [101, 650], [101, 650], ["G", "A"])
    plan.close()
    assert [lift_info(first, i, "chr1") for i in range(2)] == ["LIFTED=chr2:501",
                                                               "UNLIFTED=no_chain"]
    assert [lift_info(second, i, "1") for i in range(2)] == ["UNLIFTED=ref_mismatch",
                                                             "UNLIFTED=reverse_strand"]
    assert plan.summary() == {"from": "GRCh37", "to": "GRCh38", "chain": "t.chain",
                              "lifted": 1, "unmapped": 3}
    assert plan.log_line() == ("GRCh37 detected, lifted to GRCh38: 1 records, 3 unmapped "
                               "(1 no chain, 1 ref mismatch, 1 reverse strand)")
    assert all(line.startswith("##INFO=<ID=") for line in plan.declarations())


def test_lift_plan_without_a_sequence_does_not_check_ref(tmp_path):
    plan = LiftPlan.load(_plan_folder(tmp_path, with_reference=False), "GRCh37", "GRCh38")
    assert plan.sequence is None
    assert plan.lift("chr1", [101], [101], ["T"]).counts() == {"lifted": 1}


def test_lift_plan_names_a_missing_or_mismatched_chain(tmp_path):
    config = _plan_folder(tmp_path)
    with pytest.raises(ConfigError, match="no chain lifts NCBI36 into GRCh37"):
        LiftPlan.load(config, "NCBI36", "GRCh37")
    config.write_text('[liftover]\nNCBI36 = "c.npz"\n')
    with pytest.raises(ConfigError, match="lifts GRCh37 to GRCh38, not NCBI36 to GRCh37"):
        LiftPlan.load(config, "NCBI36", "GRCh37")
