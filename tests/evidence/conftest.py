import pytest

from .dataset import build


@pytest.fixture
def dataset(db):
    return build()
