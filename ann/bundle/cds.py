"""Which transcript owns which CDS rows, checked against the packages' UTR rows.

The CDS rows of a gene follow its transcripts' order, but nothing marks where one coding
transcript's rows end and a non-coding transcript has none. A run of CDS rows is given to a
transcript when it chains through that transcript's exons and the packaged UTR rows that
follow are exactly the UTRs the run implies.
"""

from __future__ import annotations

from ann.bundle.errors import BundleError
from ann.bundle.genemodel import Interval, Transcript, utr_pieces


def _fits_chain(tx: Transcript, chain: list[Interval], j: int, a: int, b: int,
                last: int | None) -> bool:
    """Whether CDS (a, b) in exon j continues the CDS chain that ended in exon `last`."""
    if last is None:
        return True
    prev_a, prev_b = chain[-1]
    ex_prev, ex_next = tx.exons[last], tx.exons[j]
    if j != last + 1:
        return False
    if tx.strand == "+":
        return prev_b == ex_prev[1] and a == ex_next[0]
    return prev_a == ex_prev[0] and b == ex_next[1]


def _cds_chain(tx: Transcript, name: str, cds: dict[str, list], pos: int) -> list[Interval]:
    """Return the run of CDS rows from `pos` that chains through the transcript's exons."""
    c_chrom, c_name = cds["_labels"], cds["gene_name"]
    c_start, c_end = cds["_starts"], cds["_ends"]
    chain: list[Interval] = []
    last: int | None = None
    while pos < len(c_start) and c_name[pos] == name and c_chrom[pos] == tx.chrom:
        a, b = c_start[pos], c_end[pos]
        j = next((k for k in range(last or 0, len(tx.exons))
                  if tx.exons[k][0] <= a and b <= tx.exons[k][1]), None)
        if j is None or not _fits_chain(tx, chain, j, a, b, last):
            break
        chain.append((a, b))
        last, pos = j, pos + 1
    return chain


def _rows_match(table: dict[str, list], pos: int, name: str, pieces: list[Interval]) -> bool:
    """Whether the next len(pieces) rows of a table are exactly these pieces of gene `name`."""
    stop = pos + len(pieces)
    if stop > len(table["_starts"]) or any(n != name for n in table["gene_name"][pos:stop]):
        return False
    rows = zip(table["_starts"][pos:stop], table["_ends"][pos:stop], strict=True)
    return sorted(rows) == sorted(pieces)


def _row_in_block(table: dict[str, list], pos: int, name: str, block: list[Transcript]) -> bool:
    """Whether table row `pos` could still belong to this block of one gene's transcripts."""
    if pos >= len(table["_starts"]) or table["gene_name"][pos] != name:
        return False
    chrom, start, end = block[0].chrom, min(t.start for t in block), max(t.end for t in block)
    return table["_labels"][pos] == chrom and start <= table["_starts"][pos] <= end


class _CodingSolver:
    """Find which transcripts of one gene own the gene's CDS and UTR rows, in row order.

    A chain of CDS rows that fits a transcript's exons may belong to a later transcript of the
    same gene (a retained-intron transcript often precedes the coding one, or two transcripts
    share their 5' exons). A transcript is coding only if the UTR rows that follow are exactly
    the UTRs its chain implies, and the whole gene must use up its CDS and UTR rows; a
    depth-first search over coding/non-coding, greedy first, finds that assignment.
    """

    MAX_STATES = 20000  # per gene; beyond this the greedy fallback is used

    def __init__(self, cds: dict[str, list], utr_tables: list[tuple[str | None, dict]]):
        self.cds, self.utr_tables = cds, utr_tables
        self.tables = [self.cds] + [t for _, t in utr_tables]

    def _step(self, tx: Transcript, name: str, pos: tuple[int, ...]):
        """Return (chain, next positions) if tx can own the rows at `pos`, else None."""
        chain = _cds_chain(tx, name, self.cds, pos[0])
        if not chain:
            return None
        pieces = utr_pieces(tx.strand, tx.exons, chain)
        wanted = [[(a, b) for k, a, b in pieces if kind in (None, k)]
                  for kind, _ in self.utr_tables]
        if not all(_rows_match(t, p, name, w) for (_, t), p, w
                   in zip(self.utr_tables, pos[1:], wanted, strict=True)):
            return None
        return chain, (pos[0] + len(chain), *(p + len(w) for p, w in
                                               zip(pos[1:], wanted, strict=True)))

    def _done(self, block: list[Transcript], name: str, pos: tuple[int, ...]) -> bool:
        """Whether no row at `pos` still belongs to this block."""
        return not any(_row_in_block(t, p, name, block)
                       for t, p in zip(self.tables, pos, strict=True))

    def solve(self, block: list[Transcript], name: str, pos: tuple[int, ...]):
        """Return (chains, next positions) for the block, or None if no assignment fits."""
        failed: set[tuple[int, tuple[int, ...]]] = set()
        chains: list[list[Interval]] = []

        def search(i: int, pos: tuple[int, ...]) -> tuple[int, ...] | None:
            if i == len(block):
                return pos if self._done(block, name, pos) else None
            if (i, pos) in failed or len(failed) > self.MAX_STATES:
                return None
            step = self._step(block[i], name, pos)
            if step is not None:
                chains.append(step[0])
                end = search(i + 1, step[1])
                if end is not None:
                    return end
                chains.pop()
            chains.append([])
            end = search(i + 1, pos)
            if end is None:
                chains.pop()
                failed.add((i, pos))
            return end

        end = search(0, pos)
        return None if end is None else (chains, end)

    def greedy(self, block: list[Transcript], name: str, pos: tuple[int, ...]):
        """Take each fitting chain in turn, then skip the block's leftover rows."""
        chains = []
        for tx in block:
            step = self._step(tx, name, pos)
            chains.append(step[0] if step else [])
            pos = step[1] if step else pos
        pos = tuple(self._skip(t, p, name, block) for t, p in zip(self.tables, pos, strict=True))
        return chains, pos

    @staticmethod
    def _skip(table: dict[str, list], pos: int, name: str, block: list[Transcript]) -> int:
        """Return the first row at or after `pos` that no longer belongs to the block."""
        while _row_in_block(table, pos, name, block):
            pos += 1
        return pos


def attach_cds(
    transcripts: list[Transcript], names: list[str], cds: dict[str, list],
    utr_tables: list[tuple[str | None, dict[str, list]]],
) -> int:
    """Give each coding transcript its CDS rows, checked against the package's UTR rows.

    `utr_tables` pairs each UTR table with the kind it holds ("five_prime_UTR",
    "three_prime_UTR", or None when one table holds both). Returns the number of genes whose
    rows fit no exact assignment (their transcripts got the greedy one; see _CodingSolver).
    """
    solver = _CodingSolver(cds, utr_tables)
    pos = tuple(0 for _ in solver.tables)
    unresolved, i = 0, 0
    while i < len(transcripts):
        j = i
        # Same-named genes can interleave (GENCODE v19 has two ZMYM6 genes), so a block is
        # a run of transcripts with one name on one contig, not one gene row.
        while j < len(transcripts) and names[j] == names[i] \
                and transcripts[j].chrom == transcripts[i].chrom:
            j += 1
        block = transcripts[i:j]
        found = solver.solve(block, names[i], pos)
        if found is None:
            unresolved += 1
            found = solver.greedy(block, names[i], pos)
        chains, pos = found
        for tx, chain in zip(block, chains, strict=True):
            tx.cds = chain
        i = j
    left = len(cds["_starts"]) - pos[0]
    if left:
        raise BundleError(f"{left} CDS rows belong to no transcript")
    return unresolved
