"""annotate_file: read a VCF, annotate it from the configured sources, write three outputs."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from gas.keys import file_stem

from . import assembly as assemblies
from .atomic import AtomicOutputs
from .config import check_reference, load_config
from .data_dir import default_data_dir
from .errors import DataBundleError, UnsupportedAssemblyError
from .header import read_header
from .run import AnnotationRun
from .store.locate import open_store
from .summary import count_log
from .vcf_reader import VcfReader, open_input
from .version import gas_version
from .writer import contig_lines, output_header

__all__ = ["annotate_file", "default_data_dir", "prepare_sources", "resolve_config", "stem_of"]


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


def prepare_sources(config_path: str | os.PathLike) -> int:
    """Prepare every source a sources TOML names (done once; later runs reuse the stores)."""
    specs = load_config(Path(config_path))
    for spec in specs:
        open_store(spec)
    return len(specs)


def stem_of(path: str | os.PathLike) -> str:
    """Return the input name without .vcf, .vcf.gz, .vcf.bgz or .gz (gas.keys' definition)."""
    return file_stem(Path(path).name)


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
    input_name: str | None = None,
    presteps: tuple = (),
    liftover: bool = True,
    lift_to: str | None = None,
    reference: str | os.PathLike | None = None,
) -> dict:
    """Annotate input_path into output_path (plus optional count log and summary JSON).

    input_name is the user's name for the file (default: the input's own name); it appears in
    the header's command line, the count log and the summary instead of a temporary path.
    `assembly` names the file's own assembly (detected when None). An NCBI36 file is lifted to
    GRCh37 for the look-ups unless `liftover` is False (then it is refused); `lift_to` lifts
    into another supported assembly on request. `reference` (a BGZF FASTA with .fai) replaces
    the sources TOML's sequence for consequences and the lifted REF check.
    """
    started = time.monotonic()
    output_path = Path(output_path)
    input_name = input_name or Path(input_path).name
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(Path(input_path)))
        reader = VcfReader(stream, max_line_bytes)
        header = read_header(reader)
        try:
            chosen = assemblies.choose(header, assembly, liftover=liftover, lift_to=lift_to)
        except ValueError as exc:  # an assembly name from an API caller, not the CLI's choices
            raise UnsupportedAssemblyError(str(exc)) from exc
        config = resolve_config(config_path, data_dir, chosen.name)
        specs = load_config(config)
        if reference is not None:
            reference = check_reference(reference)
        else:
            reference = next((s.reference for s in specs if s.reference), None)
        if chosen.lifted:
            from .lift_step import LiftStep  # numpy and pysam: only runs that lift

            step = LiftStep.load(_chain_configs(config, config_path, data_dir, chosen.name),
                                 chosen.lift_from, chosen.name, reference)
            presteps = (step, *presteps)
        stores = [open_store(spec) for spec in specs]
        command = command or _library_command(input_name, output_path, config_path, assembly)
        run = AnnotationRun(header, specs, stores, progress, presteps, reference)
        temps = AtomicOutputs(stack)
        body = temps.new(output_path.with_name(output_path.name + ".body"))
        with open(body, "wb") as out:
            run.annotate(reader, out, processes)
        own = chosen.lift_from or chosen.name  # the output keeps the input's coordinates
        contigs = contig_lines(header, run.contigs, _lengths(own), own)
        with open(temps.new(output_path), "wb") as out, open(body, "rb") as done:
            out.write(output_header(header, run.declarations, gas_version(), command,
                                    run.sources, contigs))
            shutil.copyfileobj(done, out, 1 << 20)
        temps.drop(body)
        summary = run.summary(chosen, time.monotonic() - started, reader.crlf, input_name)
        if summary_path is not None:
            Path(temps.new(Path(summary_path))).write_text(json.dumps(summary, indent=2) + "\n")
        if log_path is not None:
            Path(temps.new(Path(log_path))).write_text(count_log(summary))
        temps.commit()
    return summary


def _chain_configs(config: Path, config_path, data_dir, assembly: str) -> list[Path]:
    """Where chains are looked for: the sources TOML in use, then the bundle's."""
    paths = [config]
    if config_path is not None:
        bundle = Path(data_dir) if data_dir is not None else default_data_dir()
        if (bundle / assembly / "sources.toml").is_file():
            paths.append(bundle / assembly / "sources.toml")
    return paths


def _lengths(assembly: str) -> dict[str, int]:
    """Return {contig key: length} of the assembly's primary contigs (none if unknown)."""
    return dict(assemblies.CHROMOSOME_LENGTHS.get(assembly, {}))


def _library_command(input_name, output_path, config_path, assembly) -> str:
    parts = [f"annotate_file({input_name!r}, {Path(output_path).name!r}"]
    if config_path is not None:
        parts.append(f"config_path={Path(config_path).name!r}")
    if assembly is not None:
        parts.append(f"assembly={assembly!r}")
    return ", ".join(parts) + ")"
