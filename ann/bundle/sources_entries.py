"""The [[annotation]] entries of each assembly's sources.toml, with their descriptions."""

from __future__ import annotations

from ann.bundle import frequencies
from ann.bundle.assemblies import AssemblySpec
from ann.bundle.known_variants import DBSNP
from ann.bundle.sources import PROMOTER_WINDOW_BP, Annotation

POPULATION_NAMES = {"AFR": "African", "AMR": "admixed American", "EAS": "East Asian",
                    "EUR": "European", "SAS": "South Asian"}
GENCODE_RELEASE = {"GRCh37": "GENCODE v19", "GRCh38": "GENCODE"}


def _via(package) -> str:
    """Return 'name version' of a package."""
    return f"{package.name} {package.version}"


def annotations_for(spec: AssemblySpec, entry: dict) -> list[Annotation]:
    """Return the sources.toml entries for the files the build wrote (see its manifest entry)."""
    genome = _via(spec.genome)
    ids = f"dbSNP common variants via {genome}"
    if spec.known is not None:
        build = "dbSNP 150" if spec.name == "GRCh37" else "dbSNP 151"
        ids += f" and HapMap3 ({build}) via {_via(spec.known)}"
    out = [Annotation(DBSNP, ("ID",), ("first",), (f"known-variant ID (rsID), {ids}",),
                      fields=("ID",))]
    if frequencies.FILE in entry["files"]:
        out.append(_frequency_entry(spec, entry))
    gencode = f"{GENCODE_RELEASE[spec.name]} via {genome}"
    region = (f"region class in each overlapping gene (CDS, 5_UTR, 3_UTR, noncoding_exon, "
              f"intron, promoter = {PROMOTER_WINDOW_BP} bp upstream), {gencode}")
    names, fields, descriptions = ["GENE"], ["gene_name"], [f"gene name, {gencode}"]
    if spec.gene_ids is not None:  # without real ids the key is left out
        names.append("GENE_ID")
        fields.append("gene_id")
        descriptions.append(_gene_id_description(spec))
    names += ["REGION", "CSQ"]
    fields += ["region", "consequence"]
    descriptions += [region, _csq_description(spec, gencode)]
    out.append(Annotation(
        "genes.gtf.gz", tuple(names), ops=("uniq",) * (len(names) - 1) + ("self",),
        descriptions=tuple(descriptions), fields=tuple(fields),
        extra={"promoter_window": PROMOTER_WINDOW_BP}))
    if "cpg_islands.bed.gz" in entry["files"]:
        out.append(Annotation(
            "cpg_islands.bed.gz", ("CPG_ISLAND",), ("flag",),
            (f"the variant lies in a CpG island, UCSC cpgIslandExt via {genome}",),
            columns=(4,)))
    return out


def _gene_id_description(spec: AssemblySpec) -> str:
    """Say what GENE_ID holds and how it was matched."""
    how = "symbol and locus lifted from GRCh38" if spec.lift_gene_ids else "locus and name"
    version = "unversioned, " if spec.lift_gene_ids else ""
    return (f"Ensembl gene id, {version}GENCODE v44 via {_via(spec.gene_ids)} (matched on "
            f"{how}); left out where none matched")


def _csq_description(spec: AssemblySpec, gencode: str) -> str:
    """Say where the consequences' transcripts and sequence come from."""
    text = f"{gencode} transcripts"
    if spec.reference is not None:
        text += (f", {spec.name} chr20 sequence via Debian {spec.reference.name} "
                 f"{spec.reference.version} (codons, amino acids and HGVS on chr20; elsewhere "
                 "the transcript structure decides)")
    return text


def _frequency_entry(spec: AssemblySpec, entry: dict) -> Annotation:
    """Return the 1000 Genomes frequency entry, naming each super-population and its size."""
    samples = entry["tables"]["1000g_frequencies"]["samples_per_super_population"]
    where = (f"counted from {_via(spec.genotypes)} genotypes, else the {_via(spec.known)} "
             "HapMap3 EAF table")
    descriptions = [f"ALT allele frequency in 1000 Genomes phase 3, all {sum(samples.values()):,}"
                    f" samples, {where} (there: sample-weighted mean of the super-populations)"]
    descriptions += [f"ALT allele frequency in 1000 Genomes phase 3, {pop} "
                     f"({POPULATION_NAMES[pop]}, {samples[pop]:,} samples), {where}"
                     for pop in frequencies.SUPER_POPULATIONS]
    return Annotation(frequencies.FILE, frequencies.KEYS, ("self",) * len(frequencies.KEYS),
                      tuple(descriptions), fields=frequencies.KEYS)
