"""Fixtures for the deployment files under aws/."""

from __future__ import annotations

import pytest

from .cfn_template import load_template


@pytest.fixture(scope="session")
def template() -> dict:
    """The parsed CloudFormation template."""
    return load_template()
