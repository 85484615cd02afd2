"""What an import does with each entry, and the digest that names the plan so a confirmation can hold to it."""

import hashlib
import json
from dataclasses import dataclass, field

ADDED, MERGED, SKIPPED = "added", "merged", "skipped"


@dataclass
class EntryOutcome:
    """What the import does with one entry: `added` (new to the portal, or kept unresolved), `merged` (a paper the
    portal has, not yet in this list) or `skipped`; `reason` says why."""

    number: int
    source: str
    outcome: str
    reason: str
    pmid: int | None = None
    doi: str = ""
    title: str = ""
    position: int | None = None
    unresolved: bool = False


@dataclass
class ImportReport:
    review_pmid: int
    relation: str
    dry_run: bool
    entries: list[EntryOutcome]
    requests_made: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: sum(e.outcome == outcome for e in self.entries) for outcome in (ADDED, MERGED, SKIPPED)}
        unresolved = sum(e.unresolved for e in self.entries)
        return {**counts, "unresolved": unresolved, "total": len(self.entries)}

    @property
    def to_write(self) -> int:
        return sum(entry.outcome != SKIPPED for entry in self.entries)

    @property
    def digest(self) -> str:
        """Names the plan: a confirmation carrying the preview's digest is refused if the plan has changed since."""
        return plan_digest(self.relation, self.entries)


def plan_digest(relation: str, entries: list[EntryOutcome]) -> str:
    plan = [relation] + [[e.number, e.outcome, e.pmid, e.doi.lower(), e.position, e.unresolved] for e in entries]
    return hashlib.sha256(json.dumps(plan).encode()).hexdigest()[:32]
