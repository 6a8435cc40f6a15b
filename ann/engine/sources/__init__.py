"""Annotation sources at run time: each answers `annotate(lookups) -> SourceValues` per chunk."""
