"""`python -m ann annotate`: the engine as a command; exit 0 ok, 2 invalid input, 1 set-up error."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from .annotate import annotate_file, stem_of
from .assembly import KNOWN, SUPPORTED
from .errors import AnnotationError, InvalidInputError

EXIT_OK, EXIT_SETUP, EXIT_INVALID = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the annotate subcommand."""
    parser = argparse.ArgumentParser(prog="python -m ann annotate",
                                     description="Annotate a VCF file.")
    parser.add_argument("input", help="VCF file (plain, gzip or BGZF)")
    parser.add_argument("-o", "--output", help="annotated VCF (default <stem>.annot.vcf)")
    parser.add_argument("--log", help="count log (default <stem>.vcf.count.log beside OUTPUT)")
    parser.add_argument("--summary", help="summary JSON (default <stem>.summary.json)")
    parser.add_argument("--config", help="vcfanno-style sources TOML (default: the data bundle)")
    parser.add_argument("--assembly", choices=KNOWN,
                        help="the file's own assembly (default: detected from the header)")
    parser.add_argument("--no-liftover", action="store_true",
                        help="refuse NCBI36 input instead of lifting it to GRCh37")
    parser.add_argument("--lift-to", choices=SUPPORTED, metavar="{GRCh37,GRCh38}",
                        help="lift the records into this assembly for the look-ups "
                             "(GRCh37 <-> GRCh38); the output keeps the input's coordinates")
    parser.add_argument("--reference", metavar="FASTA",
                        help="BGZF FASTA (with .fai) of the annotation assembly for "
                             "consequences and the lifted REF check (default: the sources')")
    parser.add_argument("-p", "--processes", type=int, default=1, help="worker processes")
    parser.add_argument("--max-line-bytes", type=int, default=1_000_000,
                        help="longest line accepted")
    parser.add_argument("--input-name", metavar="NAME",
                        help="the user's name for the input, shown in the outputs instead of "
                             "its path (default: the input's file name)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the annotate subcommand; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    stem = stem_of(args.input)
    output = Path(args.output) if args.output else Path(args.input).parent / f"{stem}.annot.vcf"
    folder = output.parent
    argv_text = "python -m ann annotate " + shlex.join(
        _shown_argv(sys.argv[2:] if argv is None else argv, args))
    try:
        summary = annotate_file(
            args.input, output,
            log_path=args.log or folder / f"{stem}.vcf.count.log",
            summary_path=args.summary or folder / f"{stem}.summary.json",
            config_path=args.config, assembly=args.assembly, processes=max(1, args.processes),
            max_line_bytes=args.max_line_bytes, command=argv_text, input_name=args.input_name,
            liftover=not args.no_liftover, lift_to=args.lift_to, reference=args.reference,
        )
    except InvalidInputError as exc:
        print(f"{args.input}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except AnnotationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SETUP
    print(f"{output}: {summary['total_variants']} variants annotated "
          f"({summary['assembly']}, {summary['runtime_seconds']:.2f} s)")
    if summary.get("liftover"):
        print(summary["liftover"]["line"])
    return EXIT_OK


def _shown_argv(argv: list[str], args: argparse.Namespace) -> list[str]:
    """The arguments as the header records them: the user's file name for the input."""
    if not args.input_name:
        return list(argv)
    shown, skip = [], False
    for item in argv:
        if skip:
            skip = False
        elif item == "--input-name":
            skip = True
        elif not item.startswith("--input-name="):
            shown.append(args.input_name if item == args.input else item)
    return shown
