import pytest

from checklists.loading import discover_files, load_pathways


@pytest.fixture
def shipped(db):
    """The shipped pathways (both, all versions), as `make run` loads them."""
    load_pathways(discover_files())
