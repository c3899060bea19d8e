import pytest

from checklists.loading import discover_files, load_pathways
from tests.module_data import module_data

# The shipped pathways (both, all versions), as `make run` loads them: loaded once per module.
shipped_once = module_data(lambda: load_pathways(discover_files()))


@pytest.fixture
def shipped(db, shipped_once):
    """The shipped pathways (both, all versions), as `make run` loads them."""
