"""Record checks off the hot path: explain exactly what is wrong with a line."""

from __future__ import annotations

from .errors import InvalidInputError
from .store.known import info_value

BASES = b"ACGTNacgtn"
# REF may carry IUPAC ambiguity codes in real files; htslib accepts them.
REF_LETTERS = b"ACGTNRYSWKMBDHVacgtnryswkmbdhv"
ALT_LETTERS = REF_LETTERS


def column_error(line: bytes, columns: int, line_no: int) -> InvalidInputError:
    """Explain a record whose column count differs from the #CHROM line's."""
    found = line.count(b"\t") + 1
    return InvalidInputError(
        f"the record has {found} tab-separated columns but the #CHROM header line has {columns}",
        line_no,
    )


def pos_error(raw: bytes, line_no: int) -> InvalidInputError:
    """Explain a POS that is not a positive whole number."""
    shown = raw.decode("utf-8", "replace")[:40]
    return InvalidInputError(f"POS '{shown}' is not a positive integer", line_no)


def order_error(pos: int, last: int, contig: bytes, line_no: int) -> InvalidInputError:
    """Explain a zero POS or a record that comes before the previous one."""
    if pos < 1:
        return pos_error(str(pos).encode(), line_no)
    name = contig.decode("utf-8", "replace")
    return InvalidInputError(
        f"records are not sorted: POS {pos} on {name} comes after POS {last}", line_no
    )


def check_ref(ref: bytes, line_no: int) -> None:
    """Raise unless REF is one or more bases."""
    if not ref or ref.translate(None, REF_LETTERS):
        shown = ref.decode("utf-8", "replace")[:40]
        raise InvalidInputError(
            f"REF '{shown}' is not a valid allele (bases A, C, G, T, N)", line_no
        )


def check_alt(alt: bytes, info: bytes, pos: int, end: int, version3: bool, line_no: int) -> int:
    """Raise unless every ALT allele is valid; return the end the variant covers."""
    alleles = alt.split(b",")
    symbolic = False
    for allele in alleles:
        if allele.startswith(b"<") and allele.endswith(b">") and len(allele) > 2:
            symbolic = True
        elif allele == b"." and len(alleles) == 1 or allele == b"*":
            continue
        elif b"[" in allele or b"]" in allele or _single_breakend(allele):
            symbolic = True
        elif version3 and _v33_indel(allele):
            continue
        elif not allele or allele.translate(None, ALT_LETTERS):
            shown = alt.decode("utf-8", "replace")[:60]
            raise InvalidInputError(f"ALT '{shown}' is not a valid list of alleles", line_no)
    if symbolic:
        value = info_value(info, b"END")
        if value and value.isdigit() and int(value) >= pos:
            return int(value)
    return end


def _single_breakend(allele: bytes) -> bool:
    core = allele[1:] if allele.startswith(b".") else allele[:-1] if allele.endswith(b".") else b""
    return bool(core) and not core.translate(None, BASES)


def _v33_indel(allele: bytes) -> bool:
    """VCF 3.3 wrote deletions as D<n> and insertions as I<bases>."""
    if allele[:1] == b"D":
        return allele[1:].isdigit()
    return allele[:1] == b"I" and len(allele) > 1 and not allele[1:].translate(None, BASES)


def contig_error(lines: list[bytes], i: int, contig: bytes, seen: frozenset, first: int):
    """Explain a contig change inside a chunk: the first line where a finished contig resumes."""
    done = set(seen) | {contig}
    prev = contig
    for j in range(i, len(lines)):
        name = lines[j].split(b"\t", 1)[0]
        if name != prev:
            if name in done:
                return reappears(name, first + j)
            done.add(prev)
            prev = name
    return reappears(contig, first + i)


def reappears(contig: bytes, line_no: int) -> InvalidInputError:
    name = contig.decode("utf-8", "replace")
    return InvalidInputError(
        f"contig {name} appears again after records of another contig; "
        "a contig's records must be together (sort the file)",
        line_no,
    )
