"""The embedded local stack behind `make run`: AWS emulator, identity provider, supervisor."""
