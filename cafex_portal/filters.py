"""Filters every app's FilterSets share: ids and numbers parsed by cafex_portal.forms, so a bad value is a 400."""

import django_filters
from django import forms

from .forms import IdFormField


class IdFilter(django_filters.NumberFilter):
    """`?citation=12`, `?review=34852849`: an id or a PMID; anything else (`-1e308`, `²`, `1.5`) is a 400."""

    field_class = IdFormField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
