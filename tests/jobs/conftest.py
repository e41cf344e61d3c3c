"""Jobs fixtures: a fresh search index per test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path):
    """Each test gets its own index: database ids are reused between tests, index docs are not."""
    from cmepath.search.backends import forget_backends

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    yield settings.CMEPATH_SEARCH_DIR
    forget_backends()
