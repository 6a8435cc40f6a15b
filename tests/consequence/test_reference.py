"""Reference sequence by window, contig aliases, and a clear error for a broken FASTA."""

from __future__ import annotations

import pickle
import shutil

import pytest

from ann.engine.errors import ConfigError
from ann.engine.reference import Reference


@pytest.mark.parametrize("key", ["7", "chr7"])
def test_contig_names_go_through_aliases(genome, key):
    reference, seq = genome
    from ann.engine.contigs import normalise
    assert reference.fetch(normalise(key), 201, 230) == seq[200:230]
    assert reference.contig_keys() == ["7"]
    assert reference.length("7") == len(seq)


def test_windowed_and_direct_reads_agree_everywhere(genome):
    reference, seq = genome
    for start in (9_990, 1, 999, 5_000, 2_500):
        assert reference.fetch("7", start, start + 20) == seq[start - 1:start + 20]
        assert reference.read("7", start, start + 20) == seq[start - 1:start + 20]
    assert reference.fetch("7", 1, 8000) == seq[:8000]  # longer than a window


def test_reads_are_clipped_to_the_contig_and_unknown_contigs_are_empty(genome):
    reference, seq = genome
    assert reference.fetch("7", 9_995, 10_050) == seq[9_994:]
    assert reference.fetch("7", 10_100, 10_200) == reference.read("7", 10_100, 10_200) == ""
    assert reference.fetch("1", 100, 200) == ""
    assert reference.length("1") == 0


def test_a_reference_crosses_process_boundaries(genome):
    reference, seq = genome
    copy = pickle.loads(pickle.dumps(reference))
    assert copy.fetch("7", 500, 520) == seq[499:520]


def test_missing_index_is_the_operators_problem(genome, tmp_path):
    reference, _ = genome
    lonely = tmp_path / "genome.fa.gz"
    shutil.copy(reference.path, lonely)
    shutil.copy(reference.path + ".fai", str(lonely) + ".fai")
    with pytest.raises(ConfigError, match=r"genome\.fa\.gz\.gzi is missing"):
        Reference(lonely).fetch("7", 1, 10)


def test_vt_examples_chr20_matches_the_bundles_coding_sequence(chr20):
    # DEFB125's CDS starts ATG at 68,351 (DATA.md) and its first CDS exon ends at 68,408
    reference = Reference(chr20)
    assert reference.length("20") == 63_025_520
    assert reference.fetch("20", 68_351, 68_353) == "ATG"
