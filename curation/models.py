"""Curation models: vocabulary, screening and mechanism annotations."""
