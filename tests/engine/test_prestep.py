"""The pre-step seam: look-up coordinates replaced per record, output keeps the input's own."""

from __future__ import annotations

from ann.engine import annotate_file

from .engine_fixtures import info_of, read_records, vcf_text


class ShiftStep:
    """A stand-in for the liftover: looks records up 100 bp further, or switches them off.

    Picklable (the Plan carries it to worker processes); counts flow back through lookups.
    """

    name = "liftover"

    def __call__(self, lookups) -> None:
        for i in range(len(lookups)):
            if lookups.pos[i] == 7:
                lookups.active[i] = False
                lookups.flags[i] = b";UNLIFTED=no_chain"
                lookups.counts["unmapped"] += 1
                continue
            lookups.contig[i] = "2" if lookups.pos[i] == 150 else lookups.contig[i]
            target = 50 if lookups.pos[i] == 150 else lookups.pos[i] + 100
            lookups.end[i] += target - lookups.pos[i]
            lookups.pos[i] = target
            lookups.flags[i] = f";LIFTED={lookups.contig[i]}:{target}".encode()
            lookups.counts["lifted"] += 1

    def declarations(self) -> list[str]:
        return ['##INFO=<ID=LIFTED,Number=1,Type=String,Description="test position">',
                '##INFO=<ID=UNLIFTED,Number=1,Type=String,Description="test reason">']

    def summary(self, counts) -> dict:
        return {"from": "TEST", "to": "GRCh37", "lifted": counts["lifted"],
                "unmapped": counts["unmapped"]}


def test_records_are_looked_up_where_a_prestep_puts_them(tmp_path, sources):
    path = tmp_path / "in.vcf"
    # 1 -> 101 (no rs), 100 -> 200 (rs200 is C>T there), 150 -> chr2:50 (rs50), 7 off.
    path.write_text(vcf_text(["chr1 7 . A G . . .", "chr1 100 . C T . . .",
                              "chr1 150 . T C . . ."]))
    for processes in (1, 2):
        summary = annotate_file(path, tmp_path / "o.vcf", config_path=sources,
                                processes=processes, presteps=(ShiftStep(),))
        recs = read_records(tmp_path / "o.vcf")
        assert [r[:2] for r in recs] == [["chr1", "7"], ["chr1", "100"], ["chr1", "150"]]
        assert [r[2] for r in recs] == [".", "rs200", "rs50"]
        assert info_of(recs[0]) == {"UNLIFTED": "no_chain"}  # passed through unannotated
        assert info_of(recs[1])["LIFTED"] == "1:200" and "REGION" in info_of(recs[1])
        assert '##INFO=<ID=LIFTED,' in (tmp_path / "o.vcf").read_text()
        assert summary["liftover"] == {"from": "TEST", "to": "GRCh37", "lifted": 2,
                                       "unmapped": 1}
