"""A fake of NCBI E-utilities over real HTTP, for the test suite, benchmarks and the offline demo."""

from fake_eutils.server import DATA_DIR, FakeEutils
from fake_eutils.store import LINKNAMES, Store
from fake_eutils.synthetic import build_article

__all__ = ["DATA_DIR", "LINKNAMES", "FakeEutils", "Store", "build_article", "bundled_store"]


def bundled_store() -> Store:
    """A store holding the real PubMed records recorded in ``fake_eutils/data/pubmed``."""
    return Store.from_directory(DATA_DIR / "pubmed")
