"""annotate_file: read a VCF, annotate it from the configured sources, write three outputs."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from . import assembly as assemblies
from .atomic import AtomicOutputs
from .config import load_config
from .errors import DataBundleError
from .header import read_header
from .run import AnnotationRun
from .sources import genes
from .summary import count_log
from .vcf_reader import VcfReader, open_input
from .version import gas_version
from .writer import output_header

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """Return the data bundle folder: $GAS_ANNOTATION_DATA or <repo>/.cache/annotation-data."""
    env = os.environ.get("GAS_ANNOTATION_DATA")
    return Path(env) if env else REPO_ROOT / ".cache" / "annotation-data"


def resolve_config(config_path: str | os.PathLike | None, data_dir: str | os.PathLike | None,
                   assembly: str) -> Path:
    """Return the sources TOML to use: the given one, or the bundle's for the assembly."""
    if config_path is not None:
        return Path(config_path)
    bundle = Path(data_dir) if data_dir is not None else default_data_dir()
    path = bundle / assembly / "sources.toml"
    if not path.is_file():
        raise DataBundleError(
            f"no annotation data for {assembly}: {path} does not exist "
            "(build the bundle with `python -m ann build-data`)"
        )
    return path


def warm_gene_model_cache(config_path: str | os.PathLike) -> int:
    """Parse the gene models a sources TOML names into the on-disk cache (run after a build).

    Returns the number of contigs cached. The first dense annotation would do the same work.
    """
    specs = load_config(Path(config_path))
    slots = [s for s in specs if s.kind != "vcf"]
    return sum(genes.warm_cache(s, i) for i, s in enumerate(slots) if s.kind == "genes")


def stem_of(path: str | os.PathLike) -> str:
    """Return the input name without .vcf, .vcf.gz or .gz."""
    name = Path(path).name
    for suffix in (".vcf.gz", ".vcf.bgz", ".gz", ".vcf"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def annotate_file(
    input_path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    log_path: str | os.PathLike | None = None,
    summary_path: str | os.PathLike | None = None,
    config_path: str | os.PathLike | None = None,
    assembly: str | None = None,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    data_dir: str | os.PathLike | None = None,
    max_line_bytes: int = 1_000_000,
    command: str | None = None,
) -> dict:
    """Annotate input_path into output_path (plus optional count log and summary JSON)."""
    started = time.monotonic()
    output_path = Path(output_path)
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(Path(input_path)))
        reader = VcfReader(stream, max_line_bytes)
        header = read_header(reader)
        chosen = assemblies.choose(header, assembly)
        specs = load_config(resolve_config(config_path, data_dir, chosen.name))
        command = command or _library_command(input_path, output_path, config_path, assembly)
        run = AnnotationRun(header, specs, progress)
        temps = AtomicOutputs(stack)
        with open(temps.new(output_path), "wb") as out:
            out.write(output_header(header, run.declarations, gas_version(), command,
                                    run.sources))
            run.annotate(reader, out, processes)
        summary = run.summary(chosen, time.monotonic() - started, reader.crlf)
        if summary_path is not None:
            Path(temps.new(Path(summary_path))).write_text(json.dumps(summary, indent=2) + "\n")
        if log_path is not None:
            Path(temps.new(Path(log_path))).write_text(count_log(summary, Path(input_path).name))
        temps.commit()
    return summary


def _library_command(input_path, output_path, config_path, assembly) -> str:
    parts = [f"annotate_file({str(input_path)!r}, {str(output_path)!r}"]
    if config_path is not None:
        parts.append(f"config_path={str(config_path)!r}")
    if assembly is not None:
        parts.append(f"assembly={assembly!r}")
    return ", ".join(parts) + ")"
