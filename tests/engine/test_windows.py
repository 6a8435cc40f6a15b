"""Windowed look-ups equal whole-source look-ups, at block edges and across contigs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ann.engine import ConfigError, annotate_file
from ann.engine.sources import known as known_source
from ann.engine.store import blocks

from .engine_fixtures import info_of, read_records, tabix_source, vcf_text

KNOWN_HEAD = ("##fileformat=VCFv4.2\n"
              '##INFO=<ID=AF,Number=A,Type=Float,Description="af">\n'
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
TOML = """\
[[annotation]]
file = "known.vcf.gz"
fields = ["ID", "AF"]
names = ["ID", "KAF"]
ops = ["first", "self"]

[[annotation]]
file = "spans.bed.gz"
columns = [4]
names = ["SPAN"]
ops = ["uniq"]
"""


def whole_source(known: list[tuple], beds: list[tuple], query: list[tuple]) -> list[dict]:
    """The expected values, computed over the whole source for every record (no windows)."""
    out = []
    beds = sorted(beds)  # the order write() puts them in the file: vcfanno's value order
    for chrom, pos, ref, alts in query:
        ids, af = [], ["."] * len(alts)
        for kc, kp, kid, kref, kalt, kaf in known:
            if (kc, kp, kref) == (chrom, pos, ref) and kalt in alts:
                ids.append(kid)
                af[alts.index(kalt)] = kaf
        end = pos + len(ref) - 1
        spans = [n for bc, s, e, n in beds if bc == chrom and s < end and e >= pos]
        values = {}
        if ids:
            values["ID"] = ids[0]  # op "first": the first matching record's ID
        if any(a != "." for a in af):
            values["KAF"] = ",".join(af)
        if spans:
            values["SPAN"] = ",".join(dict.fromkeys(spans))
        out.append(values)
    return out


def write(folder, known, beds):
    folder.mkdir(parents=True, exist_ok=True)
    rows = sorted(known, key=lambda r: (r[0], r[1]))
    tabix_source(folder, "known.vcf", KNOWN_HEAD + "".join(
        f"{c}\t{p}\t{i}\t{r}\t{a}\t.\t.\tAF={f}\n" for c, p, i, r, a, f in rows), "vcf")
    tabix_source(folder, "spans.bed", "".join(
        f"{c}\t{s}\t{e}\t{n}\n" for c, s, e, n in sorted(beds)), "bed")
    (folder / "sources.toml").write_text(TOML)
    return folder / "sources.toml"


def annotated(tmp_path, config, query, **kw) -> list[dict]:
    lines = [f"{c} {p} . {r} {','.join(a)} . . ." for c, p, r, a in query]
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(lines, header="##fileformat=VCFv4.2\n"))
    annotate_file(path, tmp_path / "out.vcf", config_path=config, **kw)
    recs = read_records(tmp_path / "out.vcf")
    return [{**({"ID": r[2]} if r[2] != "." else {}),
             **{k: v for k, v in info_of(r).items() if k in ("KAF", "SPAN")}} for r in recs]


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Blocks of 3 records, so that a small test crosses many block edges."""
    monkeypatch.setattr(blocks, "BLOCK_RECORDS", 3)
    monkeypatch.setattr(blocks, "SMALL_RECORDS", 2)


site = st.tuples(st.sampled_from(["chr1", "chr2"]), st.integers(1, 300),
                 st.sampled_from(["A", "C", "AT"]), st.sampled_from(["G", "T", "C"]))


@settings(max_examples=40, deadline=None)
@given(known=st.lists(site, max_size=40), beds=st.lists(
    st.tuples(st.sampled_from(["chr1", "chr2"]), st.integers(0, 300), st.integers(1, 60)),
    max_size=15), query=st.lists(st.tuples(site, st.booleans()), max_size=40))
def test_windowed_result_equals_whole_source(tmp_path_factory, known, beds, query):
    blocks.BLOCK_RECORDS, blocks.SMALL_RECORDS = 3, 2  # many block edges in a small source
    try:
        folder = tmp_path_factory.mktemp("w")
        krows = [(c, p, f"rs{i}", r, a, f"0.{i + 1}") for i, (c, p, r, a) in enumerate(known)]
        brows = [(c, s, s + n, f"b{i}") for i, (c, s, n) in enumerate(beds)]
        config = write(folder / "src", krows, brows)
        qrows = sorted({(c, p, r, (a,) if not two else (a, "G" if a != "G" else "T"))
                        for (c, p, r, a), two in query}, key=lambda q: (q[0], q[1]))
        want = whole_source(krows, brows, [(c, p, r, list(a)) for c, p, r, a in qrows])
        for ratio in (0, 10**9):  # jumping through the index, then scanning the range
            known_source.DENSE_RATIO = ratio
            assert annotated(folder, config, qrows, processes=1) == want
    finally:
        blocks.BLOCK_RECORDS, blocks.SMALL_RECORDS = 1024, 128
        known_source.DENSE_RATIO = 4


def test_block_edges_long_deletions_and_records_before_the_source(tmp_path, tiny_blocks):
    known = [("chr1", p, f"rs{p}", "A", "G", "0.5") for p in (10, 20, 30, 40, 50, 60, 70)]
    beds = [("chr1", 5, 6, "early"), ("chr1", 95, 96, "far")]
    config = write(tmp_path / "src", known, beds)
    query = [("chr1", 3, "A", ["G"]),  # before the first source record
             ("chr1", 30, "A", ["G"]),  # last record of the first block of 3
             ("chr1", 40, "A", ["G"]),  # first record of the next block
             ("chr1", 41, "A" * 60, ["A"]),  # a deletion reaching the last BED interval
             ("chr1", 70, "A", ["G"]), ("chr1", 500, "A", ["G"])]  # past the source's end
    got = annotated(tmp_path, config, query)
    assert got == whole_source(known, beds, query)
    assert got[1]["ID"] == "rs30" and got[2]["ID"] == "rs40" and got[3]["SPAN"] == "far"


def test_contig_order_and_contigs_missing_on_either_side(tmp_path, tiny_blocks):
    known = [("chr2", 5, "rs2", "A", "G", "0.2"), ("chr9", 5, "rs9", "A", "G", "0.9"),
             ("chr1", 5, "rs1", "A", "G", "0.1")]  # source order chr2, chr9, chr1
    config = write(tmp_path / "src", known, [("chr3", 0, 10, "only3")])
    query = [("chr1", 5, "A", ["G"]), ("chr2", 5, "A", ["G"]), ("chr3", 5, "A", ["G"]),
             ("chrX", 5, "A", ["G"])]  # chrX: in no source; chr9: in no input
    got = annotated(tmp_path, config, query)
    assert [g.get("ID") for g in got] == ["rs1", "rs2", None, None]
    assert got[2] == {"SPAN": "only3"}


@pytest.mark.parametrize(("text", "words"), [
    ("chr1\t50\trs1\tA\tG\t.\t.\t.\nchr1\t40\trs2\tA\tG\t.\t.\t.\n", "position 40 on chr1"),
    ("chr1\t5\trs1\tA\tG\t.\t.\t.\nchr2\t5\trs2\tA\tG\t.\t.\t.\nchr1\t9\trs3\tA\tG\t.\t.\t.\n",
     "contig chr1 appears again"),
])
def test_unsorted_source_is_a_clear_error_at_import(tmp_path, text, words):
    import gzip

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "known.vcf.gz").write_bytes(gzip.compress((KNOWN_HEAD + text).encode()))
    (folder / "s.toml").write_text('[[annotation]]\nfile = "known.vcf.gz"\nfields = ["ID"]\n'
                                   'names = ["ID"]\nops = ["first"]\n')
    path = tmp_path / "in.vcf"
    path.write_text(vcf_text(["chr1 5 . A G . . ."]))
    with pytest.raises(ConfigError) as caught:
        annotate_file(path, tmp_path / "o.vcf", config_path=folder / "s.toml")
    assert "not sorted" in str(caught.value) and words in str(caught.value)
    assert not (tmp_path / "o.vcf").exists()


def test_a_prepared_source_is_reused_and_prepared_again_when_it_changes(tmp_path, engine_cache):
    known = [("chr1", 5, "rs1", "A", "G", "0.1")]
    config = write(tmp_path / "src", known, [])
    query = [("chr1", 5, "A", ["G"])]
    assert annotated(tmp_path, config, query)[0]["ID"] == "rs1"
    stores = sorted(p.name for p in engine_cache.iterdir())
    assert annotated(tmp_path, config, query)[0]["ID"] == "rs1"
    assert sorted(p.name for p in engine_cache.iterdir()) == stores  # reused, not re-made
    write(tmp_path / "src", [("chr1", 5, "rs77", "A", "G", "0.1")], [])
    assert annotated(tmp_path, config, query)[0]["ID"] == "rs77"
