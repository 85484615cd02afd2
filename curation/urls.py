"""Curation pages."""

urlpatterns = []
