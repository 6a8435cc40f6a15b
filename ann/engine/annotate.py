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
from .config import load_config
from .data_dir import default_data_dir
from .errors import DataBundleError
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
) -> dict:
    """Annotate input_path into output_path (plus optional count log and summary JSON).

    input_name is the user's name for the file (default: the input's own name); it appears in
    the header's command line, the count log and the summary instead of a temporary path.
    """
    started = time.monotonic()
    output_path = Path(output_path)
    input_name = input_name or Path(input_path).name
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(Path(input_path)))
        reader = VcfReader(stream, max_line_bytes)
        header = read_header(reader)
        chosen = assemblies.choose(header, assembly)
        specs = load_config(resolve_config(config_path, data_dir, chosen.name))
        stores = [open_store(spec) for spec in specs]
        command = command or _library_command(input_name, output_path, config_path, assembly)
        run = AnnotationRun(header, specs, stores, progress, presteps)
        temps = AtomicOutputs(stack)
        body = temps.new(output_path.with_name(output_path.name + ".body"))
        with open(body, "wb") as out:
            run.annotate(reader, out, processes)
        contigs = contig_lines(header, run.contigs, _lengths(chosen.name), chosen.name)
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
