"""What every app's FilterSets share: their base class, and ids and numbers parsed by cafex_portal.forms, so that
a bad value is a 400."""

import copy

import django_filters
from django import forms
from django_filters.filterset import FilterSetMetaclass

from .forms import IdFormField


class _FiltersCopiedShallow(dict):
    """A FilterSet's declared filters, which each FilterSet made for a request deep-copies. The copy needs its own
    filter objects (each is told its FilterSet and model), not its own choices, labels and arguments: copying all
    of them took about a tenth of an API list's time."""

    def __deepcopy__(self, memo) -> dict:
        return {name: _copied(declared) for name, declared in self.items()}


def _copied(declared: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(declared)
    copied.extra = dict(declared.extra)  # its own arguments and form field, which a request may set
    copied.__dict__.pop("_field", None)
    if declared.method is not None:  # a `method` filter calls its FilterSet through an object bound to the filter
        copied.method = declared.method
    return copied


class _Metaclass(FilterSetMetaclass):
    def __new__(cls, name, bases, attrs):
        filterset = super().__new__(cls, name, bases, attrs)
        filterset.base_filters = _FiltersCopiedShallow(filterset.base_filters)
        return filterset


class FilterSet(django_filters.FilterSet, metaclass=_Metaclass):
    """django-filter's FilterSet, copying its filters for each request shallowly (see _FiltersCopiedShallow), and
    building no form for a request that names none of its filters (most pages of a list): such a request filters
    nothing and has nothing to check, and the form cost a list about a tenth of its time."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Whether the request names one of the filters (a range filter's keys carry a suffix: `year_min`).
        self._asked = any(key == name or key.startswith(f"{name}_") for key in self.data for name in self.filters)

    def asked(self) -> bool:
        return self._asked

    def is_valid(self) -> bool:
        return not self.asked() or super().is_valid()

    @property
    def errors(self):
        return {} if not self.asked() else super().errors

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.asked() else queryset

    def cleaned(self, name: str):
        """One filter's value as asked; None when the request names no filter."""
        return self.form.cleaned_data.get(name) if self.asked() else None


class IdFilter(django_filters.NumberFilter):
    """`?citation=12`, `?review=34852849`: an id or a PMID; anything else (`-1e308`, `²`, `1.5`) is a 400."""

    field_class = IdFormField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
