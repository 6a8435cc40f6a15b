"""Known-variant VCF sources: match CHROM/POS/REF/ALT per allele and copy ID and INFO values."""

from __future__ import annotations

from ..config import SourceSpec
from ..numbers import formatter
from ..ops import info_item, reduce
from .tabix import TabixSource, info_meta


class KnownSource:
    """One known-variant VCF and the fields it gives."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.tabix = TabixSource(spec.path)
        self.fields: list[tuple] = []

    def prepare(self) -> None:
        """Resolve per-field settings from the header (done once per process)."""
        meta = info_meta(self.spec.path)
        self.fields = []
        for f in self.spec.fields:
            number, typ = meta.get(f.source_field, ("1", "String"))
            per_allele = f.op == "self" and number == "A"
            flag = typ == "Flag" or f.op == "flag"
            fmt = None if flag or f.source_field == "ID" else formatter(typ)
            self.fields.append(
                (f, f.name.encode(), f.source_field.encode(), per_allele, flag, fmt)
            )

    def lines(self, contig_key: str, lo: int, hi: int):
        """Yield the record lines at positions lo..hi of a contig, as bytes."""
        for line in self.tabix.fetch(contig_key, lo, hi):
            yield line.encode()


def load_contig(matcher: KnownMatcher, contig_key: str, lo: int, hi: int) -> dict[int, object]:
    """Return {pos: record line (source 0) or [(source slot, line), ...]} for lo..hi.

    Lines stay unparsed until a query hits their position: most records of a large source
    are never hit by a small input, and a hit parses only the records at its own position.
    """
    sites: dict[int, object] = {}
    get = sites.get
    for slot, source in enumerate(matcher.sources):
        for raw in source.lines(contig_key, lo, hi):
            pos = int(raw.split(b"\t", 2)[1])
            cur = get(pos)
            if cur is None:
                sites[pos] = raw if slot == 0 else [(slot, raw)]
            elif cur.__class__ is list:
                cur.append((slot, raw))
            else:
                sites[pos] = [(0, cur), (slot, raw)]
    return sites


def info_value(info: bytes, key: bytes) -> bytes | None:
    """Return the value of KEY in an INFO string, b'' for a flag, None when absent."""
    start = 0
    n = len(key)
    while True:
        i = info.find(key, start)
        if i < 0:
            return None
        end = i + n
        if i == 0 or info[i - 1] == 59:  # ';'
            nxt = info[end:end + 1]
            if nxt == b"=":
                stop = info.find(b";", end)
                return info[end + 1:] if stop < 0 else info[end + 1:stop]
            if nxt in (b";", b""):
                return b""
        start = end


class KnownMatcher:
    """Match a query record against the known variants at its position."""

    def __init__(self, sources: list[KnownSource]) -> None:
        self.sources = sources
        for s in sources:
            s.prepare()
        # The common case, one record that equals a bi-allelic query, reduces every op to the
        # record's own value; this plan builds that fragment without the general path.
        self.simple = [
            (key == b"ID", spec.to_id_column, "flag" if flag else spec.op, b";" + name, key, fmt)
            for spec, name, key, _, flag, fmt in sources[0].fields
        ] if len(sources) == 1 else None

    def match(self, site: object, ref: bytes, alt: bytes) -> tuple[bytes, bytes]:
        """Return (IDs for the ID column or b'', INFO fragment) for a query at a known site."""
        if site.__class__ is bytes and self.simple is not None:
            f = site.split(b"\t", 8)
            if f[3] == ref and f[4] == alt and b"," not in alt:
                return self.simple_values(f[2], f[7])
        entries = [(0, site)] if site.__class__ is bytes else site
        alts = alt.split(b",")
        matched: list[list[tuple[list[bytes], bytes, bytes]]] = [[] for _ in self.sources]
        for slot, line in entries:
            f = line.split(b"\t", 8)
            if f[3] != ref:
                continue
            ralts = f[4].split(b",")
            if any(a in ralts for a in alts):  # vcfanno: same REF and at least one shared ALT
                matched[slot].append((ralts, f[2], f[7]))
        ids: list[bytes] = []
        frag = b""
        for source, recs in zip(self.sources, matched, strict=True):
            if recs:
                frag += self._fragment(source, recs, alts, ids)
        return b";".join(dict.fromkeys(ids)), frag

    def simple_values(self, ident: bytes, info: bytes) -> tuple[bytes, bytes]:
        """(IDs, fragment) of one record matching a bi-allelic query: each op gives its value."""
        ids = frag = b""
        for from_id, to_id, op, prefix, key, fmt in self.simple:
            if from_id:
                if ident == b"." or not ident:
                    continue
                value = ident
            else:
                value = info_value(info, key)
                if value is None:
                    continue
                if fmt is not None:
                    value = fmt(value)
            if to_id:
                ids = value if not ids or ids == value else ids + b";" + value
            elif op == "flag":
                frag += prefix
            elif op == "count":
                frag += prefix + b"=1"
            else:
                frag += prefix + b"=" + value
        return ids, frag

    @staticmethod
    def _fragment(source: KnownSource, recs, alts: list[bytes], ids: list[bytes]) -> bytes:
        frag = b""
        for spec, name, key, per_allele, flag, fmt in source.fields:
            if per_allele:
                value = _per_allele(recs, alts, key, fmt)
            else:
                values = [v for v in (_value(r, key, flag) for r in recs) if v is not None]
                if fmt is not None:
                    values = [fmt(v) for v in values]
                value = reduce("flag" if flag else spec.op, values)
            if spec.to_id_column:
                if value:
                    ids.extend(value.replace(b";", b",").split(b","))
                continue
            frag += info_item(name, value)
        return frag


def _value(rec: tuple[list[bytes], bytes, bytes], key: bytes, flag: bool) -> bytes | None:
    if key == b"ID":
        return None if rec[1] in (b".", b"") else rec[1]
    value = info_value(rec[2], key)
    if flag:
        return None if value is None else b""
    return value


def _per_allele(recs, alts: list[bytes], key: bytes, fmt) -> bytes | None:
    """vcfanno's 'self' on a Number=A field: one value per query ALT, '.' where none."""
    out = [b"."] * len(alts)
    for ralts, _, info in recs:
        value = info_value(info, key)
        if value is None:
            continue
        vals = value.split(b",")
        for i, a in enumerate(alts):
            if a in ralts:
                j = ralts.index(a)
                if j < len(vals):
                    out[i] = vals[j] if fmt is None else fmt(vals[j])
    if all(v == b"." for v in out):
        return None
    return b",".join(out)
