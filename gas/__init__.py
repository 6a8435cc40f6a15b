"""GAS core: configuration, AWS clients, job store, messages and the worker loop."""

__version__ = "0.1.0"
