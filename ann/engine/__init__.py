"""The GAS annotation engine: streamed, validated VCF annotation from tabix-indexed sources."""

from .annotate import annotate_file, default_data_dir, stem_of, warm_gene_model_cache
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
    "stem_of",
    "warm_gene_model_cache",
]
