"""Prepared sources: every source converted once into blocks that load by window (issue 8)."""
