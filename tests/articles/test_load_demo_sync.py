"""`manage.py load_demo --sync` (what `make run` calls): online it syncs the bundled review once; offline it says so in
one line and serves the bundled record."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import SyncRun
from fake_eutils.scenarios import network_store

from .factories import DEMO_REVIEW_PMID

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_offline_it_says_so_in_one_line_and_serves_the_bundled_record(settings):
    settings.NCBI_EUTILS_BASE_URL = "http://127.0.0.1:9/entrez/eutils/"  # the discard port: nothing listens
    lines = load_demo("--sync").splitlines()
    assert lines[0] == f"Review PMID {DEMO_REVIEW_PMID} loaded: 5 references, 5 cited by, 5 similar."
    assert lines[1:] == ["Offline (127.0.0.1 unreachable): serving the bundled record only; run again online."]
    assert not SyncRun.objects.exists()


def test_without_sync_it_only_loads(fake_ncbi):
    assert len(load_demo().splitlines()) == 1
    assert not SyncRun.objects.exists()


def test_online_it_syncs_once(fake_ncbi):
    fake_ncbi.store = network_store(DEMO_REVIEW_PMID, references=4, unresolved=0, cited_by=2, similar=1)
    output = load_demo("--sync")
    assert "Sync succeeded" in output
    assert SyncRun.objects.get().state == SyncRun.State.SUCCEEDED
    assert "Already synced with NCBI" in load_demo("--sync")
    assert SyncRun.objects.count() == 1
