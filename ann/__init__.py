"""GAS annotation: the engine (ann.engine), its command (python -m ann) and the worker."""
