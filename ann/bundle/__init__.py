"""The default annotation data bundle, built once from registry packages (issue 2, item 5)."""

from ann.bundle.bundle import build_bundle, current_assemblies, default_bundle_dir
from ann.bundle.errors import BundleError

__all__ = ["BundleError", "build_bundle", "current_assemblies", "default_bundle_dir"]
