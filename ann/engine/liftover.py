"""Lift records between assemblies with UCSC chains, held as sorted numpy arrays.

A chain file is parsed once (at build-data) into arrays of aligned blocks sorted by source
position (`parse_chains`, `save`); loading them (`Chain.load`) then costs milliseconds. A chunk's
records are lifted together: one `searchsorted` finds the block under each start, and each
record gets a status — lifted, or why not (no block covers it, its span leaves the block, the
block is on the reverse strand so REF would change, or REF differs from the target sequence).

Coordinates in and out are 1-based inclusive (VCF POS and the last base REF covers).
"""

from __future__ import annotations

import gzip
import io
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import numpy as np
import pysam

from .contigs import normalise
from .errors import ConfigError

FORMAT_VERSION = 1  # bump when the array layout changes; older files are refused
_SHIFT = np.int64(1 << 32)  # block key = contig index * 2**32 + 0-based start


class LiftStatus(IntEnum):
    """What happened to one record; anything but LIFTED passes through unannotated."""

    LIFTED = 0
    NO_CHAIN = 1  # no aligned block covers the record's first base (or its contig)
    CROSSES_GAP = 2  # the span leaves its block for an alignment gap of the same chain
    CROSSES_CHAIN_EDGE = 3  # the span runs past the end of its chain
    REVERSE_STRAND = 4  # the block is reverse-complemented: REF and ALT would change
    REF_MISMATCH = 5  # the target sequence at the lifted position is not REF

    @property
    def reason(self) -> str:
        """The UNLIFTED=<reason> value (lower case, as in the INFO key)."""
        return self.name.lower()


@dataclass(frozen=True)
class Lifted:
    """The lifted coordinates and status of a batch of records, index-aligned with the input."""

    contig: np.ndarray  # target contig keys (normalised names, str); the input's when unlifted
    pos: np.ndarray  # int64, 1-based
    end: np.ndarray  # int64, 1-based inclusive
    status: np.ndarray  # uint8 LiftStatus values

    def counts(self) -> dict[str, int]:
        """Return {reason: records} for every status that occurs, 'lifted' first."""
        found = np.bincount(self.status, minlength=len(LiftStatus))
        return {s.reason: int(found[s]) for s in LiftStatus if found[s]}

    def reason(self, i: int) -> str | None:
        """Return why record i was not lifted, or None when it was."""
        status = LiftStatus(int(self.status[i]))
        return None if status is LiftStatus.LIFTED else status.reason


@dataclass(frozen=True)
class Chain:
    """One chain file's aligned blocks, sorted by (source contig, start)."""

    source: str  # assembly names, e.g. "NCBI36" -> "GRCh37"
    target: str
    name: str  # the chain file it came from, e.g. "hg18ToHg19.over.chain.gz"
    src_names: tuple[str, ...]  # contig keys, indexed by src_contig
    dst_names: tuple[str, ...]
    keys: np.ndarray  # int64 src_contig * 2**32 + 0-based block start
    ends: np.ndarray  # int64 0-based exclusive block end (source)
    dst_contig: np.ndarray  # int32 index into dst_names
    dst_anchor: np.ndarray  # int64 forward target start (+) or forward target end (-)
    reverse: np.ndarray  # bool, block on the target's reverse strand
    chain: np.ndarray  # int32 chain number of each block
    chain_end: np.ndarray  # int64 0-based exclusive source end of each chain
    identity: dict[str, int]  # contigs that map onto themselves (the rCRS MT), with length

    @classmethod
    def load(cls, path: str | Path) -> Chain:
        """Load a chain saved by `save`; raise ConfigError if it is missing or another format."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                if meta.get("format") != FORMAT_VERSION:
                    raise ConfigError(f"{path}: chain format {meta.get('format')}, "
                                      f"expected {FORMAT_VERSION} (rebuild with build-data)")
                arrays = {k: data[k] for k in _ARRAYS}
        except (OSError, KeyError, ValueError) as exc:
            raise ConfigError(f"chain file {path} cannot be read: {exc}") from exc
        return cls(meta["source"], meta["target"], meta["name"], tuple(meta["src_names"]),
                   tuple(meta["dst_names"]), identity=meta["identity"], **arrays)

    def save(self, path: str | Path) -> None:
        """Write the arrays to one uncompressed .npz (loads without decompression)."""
        meta = {"format": FORMAT_VERSION, "source": self.source, "target": self.target,
                "name": self.name, "src_names": list(self.src_names),
                "dst_names": list(self.dst_names), "identity": self.identity}
        arrays = {k: getattr(self, k) for k in _ARRAYS}
        with open(path, "wb") as out:
            np.savez(out, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                     **arrays)

    @property
    def blocks(self) -> int:
        """The number of aligned blocks."""
        return len(self.keys)

    def lift(self, contigs: str | Sequence[str], pos: Sequence[int] | np.ndarray,
             end: Sequence[int] | np.ndarray) -> Lifted:
        """Lift records (contig key or keys, 1-based pos, 1-based inclusive end) at once."""
        pos = np.asarray(pos, dtype=np.int64)
        end = np.maximum(np.asarray(end, dtype=np.int64), pos)
        keys = np.broadcast_to(np.asarray(contigs, dtype=object), pos.shape)
        src, ident = self._contig_index(keys)
        status = np.full(pos.shape, LiftStatus.NO_CHAIN, dtype=np.uint8)
        out_contig, out_pos, out_end = keys.copy(), pos.copy(), end.copy()
        if self.blocks:
            self._lift_blocks(src, pos, end, status, out_contig, out_pos, out_end)
        if ident.any():
            # The rCRS mitochondrion is the same sequence in every assembly GAS serves.
            status[ident] = np.where(end[ident] <= self._identity_length(keys[ident]),
                                     LiftStatus.LIFTED, LiftStatus.CROSSES_CHAIN_EDGE)
            out_contig[ident] = [normalise(k) for k in keys[ident]]
        return Lifted(out_contig, out_pos, out_end, status)

    def _lift_blocks(self, src: np.ndarray, pos: np.ndarray, end: np.ndarray,
                     status: np.ndarray, out_contig: np.ndarray, out_pos: np.ndarray,
                     out_end: np.ndarray) -> None:
        """Find each record's block, set its status and, when lifted, its target position."""
        start0 = pos - 1
        block = np.searchsorted(self.keys, src * _SHIFT + start0, side="right") - 1
        safe = np.clip(block, 0, self.blocks - 1)
        covered = (src >= 0) & (block >= 0) & (self.keys[safe] // _SHIFT == src) \
            & (start0 < self.ends[safe])
        inside = covered & (end <= self.ends[safe])
        status[covered] = np.where(end[covered] <= self.chain_end[self.chain[safe[covered]]],
                                   LiftStatus.CROSSES_GAP, LiftStatus.CROSSES_CHAIN_EDGE)
        reverse = self.reverse[safe]
        status[inside] = np.where(reverse[inside], LiftStatus.REVERSE_STRAND,
                                  LiftStatus.LIFTED)
        offset = start0 - self.keys[safe] % _SHIFT
        span = end - pos
        anchor = self.dst_anchor[safe]
        fwd, rev = inside & ~reverse, inside & reverse
        out_pos[fwd] = anchor[fwd] + offset[fwd] + 1
        # A reverse block's anchor is its forward end: the span's last base maps lowest.
        out_pos[rev] = anchor[rev] - offset[rev] - span[rev]
        out_end[inside] = out_pos[inside] + span[inside]
        if inside.any():
            names = np.asarray(self.dst_names, dtype=object)
            out_contig[inside] = names[self.dst_contig[safe[inside]]]

    def _contig_index(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each key's index in src_names (-1 when unknown) and whether it is identity."""
        lookup = {name: i for i, name in enumerate(self.src_names)}
        unique, inverse = np.unique(keys.astype(str), return_inverse=True)
        names = [normalise(k) for k in unique]
        index = np.array([lookup.get(n, -1) for n in names], dtype=np.int64)
        ident = np.array([n in self.identity for n in names], dtype=bool)
        inverse = inverse.reshape(keys.shape)
        return index[inverse], ident[inverse]

    def _identity_length(self, keys: np.ndarray) -> np.ndarray:
        """Return the length of each identity contig named in keys."""
        return np.array([self.identity[normalise(k)] for k in keys], dtype=np.int64)


class TargetSequence:
    """A BGZF FASTA of the target assembly (or part of it), read by contig key."""

    def __init__(self, path: str | Path) -> None:
        try:
            self.fasta = pysam.FastaFile(str(path))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"reference sequence {path} cannot be opened: {exc}") from exc
        self.names = {normalise(name): name for name in self.fasta.references}

    def close(self) -> None:
        """Close the FASTA."""
        self.fasta.close()

    def check(self, lifted: Lifted, refs: Sequence[str | bytes]) -> Lifted:
        """Return `lifted` with REF_MISMATCH where the target sequence there is not REF.

        Only records lifted onto a contig this sequence holds are checked; others keep their
        status (GRCh37's bundle carries chr20 alone).
        """
        status = lifted.status.copy()
        todo = np.flatnonzero(status == LiftStatus.LIFTED)
        for i in todo:
            name = self.names.get(lifted.contig[i])
            if name is None:
                continue
            ref = refs[i].decode() if isinstance(refs[i], bytes) else refs[i]
            got = self.fasta.fetch(name, int(lifted.pos[i]) - 1, int(lifted.end[i]))
            if got.upper() != ref.upper():
                status[i] = LiftStatus.REF_MISMATCH
        return Lifted(lifted.contig, lifted.pos, lifted.end, status)


_ARRAYS = ("keys", "ends", "dst_contig", "dst_anchor", "reverse", "chain", "chain_end")


def parse_chains(text: Iterable[str], *, source: str, target: str, name: str,
                 target_contigs: set[str] | None = None,
                 identity: dict[str, int] | None = None) -> tuple[Chain, dict[str, int]]:
    """Parse UCSC chain text into a Chain; return it with counts of what was kept and dropped.

    Blocks whose target contig is not in `target_contigs` (when given) are dropped: the bundle
    has no data there. Contigs in `identity` are left out of the arrays and map onto themselves.
    """
    identity = dict(identity or {})
    src_idx: dict[str, int] = {}
    dst_idx: dict[str, int] = {}
    cols: dict[str, list[int]] = {k: [] for k in ("src", "start", "end", "dst", "anchor",
                                                    "rev", "chain")}
    chain_end: list[int] = []
    counts = {"chains": 0, "blocks": 0, "chains_dropped_target_contig": 0,
              "chains_dropped_identity": 0}
    keep: tuple[int, int, bool, int] | None = None  # (src, dst, reverse, qSize) of the chain
    started = False
    t = q = 0
    for line in text:
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "chain":
            started = True
            t, q = int(fields[5]), int(fields[10])
            chain_end.append(int(fields[6]))
            counts["chains"] += 1
            keep = _chain_target(fields, identity, target_contigs, src_idx, dst_idx, counts)
            continue
        if not started:
            raise ConfigError(f"{name}: block line before the first chain line")
        size = int(fields[0])
        if keep is not None:
            src, dst, reverse, q_size = keep
            cols["src"].append(src)
            cols["start"].append(t)
            cols["end"].append(t + size)
            cols["dst"].append(dst)
            cols["anchor"].append(q_size - q if reverse else q)
            cols["rev"].append(reverse)
            cols["chain"].append(len(chain_end) - 1)
            counts["blocks"] += 1
        if len(fields) >= 3:
            t += size + int(fields[1])
            q += size + int(fields[2])
    chain = _sorted_chain(cols, chain_end, src_idx, dst_idx, source, target, name, identity)
    return chain, counts


def _chain_target(fields: list[str], identity: dict[str, int], target_contigs: set[str] | None,
                  src_idx: dict[str, int], dst_idx: dict[str, int],
                  counts: dict[str, int]) -> tuple[int, int, bool, int] | None:
    """Return (src, dst, reverse, qSize) for a chain line's blocks, or None to drop them."""
    src, dst = normalise(fields[2]), normalise(fields[7])
    if src in identity:
        counts["chains_dropped_identity"] += 1
        return None
    if target_contigs is not None and dst not in target_contigs:
        counts["chains_dropped_target_contig"] += 1
        return None
    return (src_idx.setdefault(src, len(src_idx)), dst_idx.setdefault(dst, len(dst_idx)),
            fields[9] == "-", int(fields[8]))


def _sorted_chain(cols: dict[str, list[int]], chain_end: list[int], src_idx: dict[str, int],
                  dst_idx: dict[str, int], source: str, target: str, name: str,
                  identity: dict[str, int]) -> Chain:
    """Sort the parsed blocks by source position and check that no two overlap."""
    keys = np.asarray(cols["src"], dtype=np.int64) * _SHIFT + np.asarray(cols["start"],
                                                                         dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    ends = np.asarray(cols["end"], dtype=np.int64)[order]
    same_contig = keys[1:] // _SHIFT == keys[:-1] // _SHIFT
    overlap = same_contig & (keys[1:] % _SHIFT < ends[:-1])
    if overlap.any():
        i = int(np.argmax(overlap))
        contig = list(src_idx)[int(keys[i] // _SHIFT)]
        raise ConfigError(f"{name}: aligned blocks overlap on {contig} at {keys[i + 1] % _SHIFT} "
                          "(a liftOver chain maps each source base at most once)")
    return Chain(
        source, target, name, tuple(src_idx), tuple(dst_idx), keys, ends,
        np.asarray(cols["dst"], dtype=np.int32)[order],
        np.asarray(cols["anchor"], dtype=np.int64)[order],
        np.asarray(cols["rev"], dtype=bool)[order],
        np.asarray(cols["chain"], dtype=np.int32)[order],
        np.asarray(chain_end, dtype=np.int64), identity)


def read_chain_text(data: bytes) -> io.TextIOWrapper:
    """Return the lines of a chain file given as bytes, gzip-compressed or not."""
    raw = gzip.GzipFile(fileobj=io.BytesIO(data)) if data[:2] == b"\x1f\x8b" else io.BytesIO(data)
    return io.TextIOWrapper(raw, encoding="ascii")


def chains_in(config_path: str | Path) -> dict[str, Path]:
    """Return {source assembly: chain .npz} from a sources TOML's [liftover] table."""
    path = Path(config_path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("liftover", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"sources file {path} cannot be read: {exc}") from exc
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(f"{path}: [liftover] maps assembly names to chain files")
    return {asm: (path.parent / file) for asm, file in table.items()}


@dataclass
class LiftPlan:
    """What the engine's pre-step needs to lift a run's records: chain, sequence, counts."""

    source: str
    target: str
    chain: Chain
    sequence: TargetSequence | None = None
    lifted: int = 0
    unmapped: dict[str, int] | None = None

    @classmethod
    def load(cls, config_path: str | Path, source: str, target: str) -> LiftPlan:
        """Load the chain (and sequence, if the TOML names one) that lift `source` into it."""
        chain_path = chains_in(config_path).get(source)
        if chain_path is None:
            raise ConfigError(f"{config_path}: no chain lifts {source} into {target} "
                              "(its [liftover] table does not name one)")
        chain = Chain.load(chain_path)
        if (chain.source, chain.target) != (source, target):
            raise ConfigError(f"{chain_path} lifts {chain.source} to {chain.target}, "
                              f"not {source} to {target}")
        reference = _reference_in(config_path)
        sequence = TargetSequence(reference) if reference is not None else None
        return cls(source, target, chain, sequence, 0, {})

    def lift(self, contigs: str | Sequence[str], pos: Sequence[int] | np.ndarray,
             end: Sequence[int] | np.ndarray, refs: Sequence[str | bytes]) -> Lifted:
        """Lift a chunk's records, check REF where the sequence is held, and count them."""
        lifted = self.chain.lift(contigs, pos, end)
        if self.sequence is not None:
            lifted = self.sequence.check(lifted, refs)
        for reason, n in lifted.counts().items():
            if reason == "lifted":
                self.lifted += n
            else:
                self.unmapped[reason] = self.unmapped.get(reason, 0) + n
        return lifted

    def close(self) -> None:
        """Close the sequence file."""
        if self.sequence is not None:
            self.sequence.close()

    def summary(self) -> dict:
        """Return the summary JSON's `liftover` value."""
        return {"from": self.source, "to": self.target, "chain": self.chain.name,
                "lifted": self.lifted, "unmapped": sum(self.unmapped.values())}

    def log_line(self) -> str:
        """Return the count log's (and job page's) liftover line."""
        reasons = ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in sorted(self.unmapped.items()))
        return (f"{self.source} detected, lifted to {self.target}: {self.lifted} records, "
                f"{sum(self.unmapped.values())} unmapped" + (f" ({reasons})" if reasons else ""))

    def declarations(self) -> list[str]:
        """Return the ##INFO lines of the keys lifted records carry."""
        reasons = ", ".join(s.reason for s in LiftStatus if s is not LiftStatus.LIFTED)
        return [
            f'##INFO=<ID=LIFTED,Number=1,Type=String,Description="{self.target} position '
            f"(contig:POS) this {self.source} record was annotated at, lifted with the UCSC "
            f'chain {self.chain.name}">',
            f'##INFO=<ID=UNLIFTED,Number=1,Type=String,Description="Why this {self.source} '
            f"record was not lifted to {self.target} and passed through unannotated: "
            f'{reasons}">',
        ]


def lift_info(lifted: Lifted, i: int, input_contig: str) -> str:
    """Return record i's INFO item: LIFTED=<contig>:<pos> or UNLIFTED=<reason>.

    The contig is written in the input's style (chr1 for chr1, 1 for 1).
    """
    reason = lifted.reason(i)
    if reason is not None:
        return f"UNLIFTED={reason}"
    contig = lifted.contig[i]
    if input_contig[:3].lower() == "chr":
        contig = "chrM" if contig == "MT" else f"chr{contig}"
    return f"LIFTED={contig}:{int(lifted.pos[i])}"


def _reference_in(config_path: str | Path) -> Path | None:
    """Return the sources TOML's top-level `reference` FASTA, if it names one."""
    path = Path(config_path)
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get("reference")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"sources file {path} cannot be read: {exc}") from exc
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{path}: reference must be a file name")
    return path.parent / value
