"""Intron and splice-site consequences, by VEP's definitions (`_intron_effects`).

Genomic intron start s / end e (ascending, whatever the strand); on the + strand the donor is
at s and the acceptor at e, on the - strand the other way round:
splice donor/acceptor: the intron's first/last 2 bases; splice_donor_5th_base: donor +5;
splice_donor_region: donor +3..+6; splice_polypyrimidine_tract: acceptor -3..-17;
splice_region: exon 1-3 bases or intron 3-8 bases from either end; intron_variant: the intron
minus its two splice bases at each end. Introns of 12 bases or less are frameshift introns
(alignment gaps in the model): no splice terms there, as VEP.
"""

from __future__ import annotations

from . import terms as T
from .alleles import Allele
from .model import Model

FRAMESHIFT_INTRON_BP = 12

# Flag bits before strand is known (s/e = genomic start/end of the intron).
_S_SITE, _E_SITE, _S_FIFTH, _E_FIFTH, _S_REGION, _E_REGION, _S_PPT, _E_PPT, _SPLICE_REGION, \
    _INTRONIC = (1 << i for i in range(10))


def _near(rs: int, re: int, s: int, e: int, insertion: bool) -> int:
    """Return the splice-site flags one differing stretch earns at one intron's boundaries."""
    f = 0
    if re >= s and rs <= s + 1:
        f |= _S_SITE
    if re >= e - 1 and rs <= e:
        f |= _E_SITE
    if re >= s + 4 and rs <= s + 4:
        f |= _S_FIFTH
    if re >= e - 4 and rs <= e - 4:
        f |= _E_FIFTH
    if re >= s + 2 and rs <= s + 5:
        f |= _S_REGION
    if re >= e - 5 and rs <= e - 2:
        f |= _E_REGION
    if not f & (_S_SITE | _E_SITE) and (
            (re >= s + 2 and rs <= s + 7) or (re >= e - 7 and rs <= e - 2)
            or (re >= s - 3 and rs <= s - 1) or (re >= e + 1 and rs <= e + 3)
            or (insertion and (rs == s or re == e or rs == s + 2 or re == e - 2))):
        f |= _SPLICE_REGION
    return f


def _inside(rs: int, re: int, s: int, e: int, insertion: bool) -> int:
    """Return the intron-body flags (intronic, polypyrimidine tract) of one stretch."""
    f = 0
    if (re >= s + 2 and rs <= e - 2) or (insertion and (rs == s + 2 or re == e - 2)):
        f |= _INTRONIC
    a, b = (re, rs) if rs > re else (rs, re)
    if b >= e - 16 and a <= e - 2:
        f |= _E_PPT
    if b >= s + 2 and a <= s + 16:
        f |= _S_PPT
    return f


def _flags(al: Allele, m: Model, first: int, lo: int, hi: int) -> tuple[int, bool, bool]:
    """Return (flags, any intron near, inside a frameshift intron) over the introns near lo..hi."""
    flags, near, frameshift = 0, False, False
    k = max(first - 1, 0)
    istarts, iends = m.istarts, m.iends
    while k < len(istarts):
        s, e = istarts[k], iends[k]
        if s - 3 > hi:
            break
        k += 1
        if e + 3 < lo:
            continue
        near = True
        if e - s < FRAMESHIFT_INTRON_BP:
            frameshift = frameshift or (hi >= s and lo <= e)
            continue
        boundary = (hi >= s - 3 and lo <= s + 7) or (hi >= e - 7 and lo <= e + 3)
        for rs, re in al.regions:
            insertion = rs > re
            flags |= _inside(rs, re, s, e, insertion)
            if boundary:
                flags |= _near(rs, re, s, e, insertion)
    return flags, near, frameshift


def effects(al: Allele, m: Model, first: int, lo: int, hi: int,
            exonic: bool) -> tuple[int, bool, bool]:
    """Return (consequence bits, intron near, frameshift intron) of an allele in a transcript.

    `first` is the index of the first exon ending at or after lo; `exonic` whether any exon
    overlaps lo..hi (both as the caller found them).
    """
    flags, near, frameshift = _flags(al, m, first, lo, hi)
    if not flags:
        return 0, near, frameshift
    if m.plus:
        donor, acceptor, fifth, region, ppt = (flags & _S_SITE, flags & _E_SITE,
                                               flags & _S_FIFTH, flags & _S_REGION,
                                               flags & _E_PPT)
    else:
        donor, acceptor, fifth, region, ppt = (flags & _E_SITE, flags & _S_SITE,
                                               flags & _E_FIFTH, flags & _E_REGION,
                                               flags & _S_PPT)
    out = 0
    if donor:
        out |= T.SPLICE_DONOR
    if acceptor:
        out |= T.SPLICE_ACCEPTOR
    if fifth:
        out |= T.SPLICE_DONOR_5TH_BASE
    elif region:
        out |= T.SPLICE_DONOR_REGION
    if flags & _SPLICE_REGION and not (donor or acceptor or fifth or region):
        out |= T.SPLICE_REGION
    if ppt and not exonic:
        out |= T.SPLICE_POLYPYRIMIDINE
    if flags & _INTRONIC:
        out |= T.INTRON
    return out, near, frameshift
