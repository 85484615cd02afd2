"""The editors' dashboard: where the curation stands and what needs an editor."""
