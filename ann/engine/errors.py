"""Typed errors of the annotation engine: the user's file versus the operator's set-up."""

from __future__ import annotations


class AnnotationError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidInputError(AnnotationError):
    """The input file is not a valid VCF; the message names the line and the problem."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"Line {self.line}: {self.message}"

    def __reduce__(self):  # keep line and message when crossing a process boundary
        return (type(self), (self.message, self.line))


class UnsupportedAssemblyError(InvalidInputError):
    """The input declares a genome assembly the engine has no data for."""


class ConfigError(AnnotationError):
    """A sources TOML file or a source file it names is missing or malformed (operator problem)."""


class DataBundleError(ConfigError):
    """The default data bundle is missing or incomplete (operator problem)."""
