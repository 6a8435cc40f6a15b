"""The GAS annotation engine: streamed, validated VCF annotation from prepared sources."""

from .annotate import annotate_file, default_data_dir, prepare_sources, stem_of
from .errors import (
    AnnotationError,
    ConfigError,
    DataBundleError,
    InvalidInputError,
    UnsupportedAssemblyError,
)

__all__ = [
    "AnnotationError",
    "ConfigError",
    "DataBundleError",
    "InvalidInputError",
    "UnsupportedAssemblyError",
    "annotate_file",
    "default_data_dir",
    "prepare_sources",
    "stem_of",
]
