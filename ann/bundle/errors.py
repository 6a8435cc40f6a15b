"""The one exception type the bundle builder raises."""


class BundleError(Exception):
    """The annotation data bundle could not be built or read."""
