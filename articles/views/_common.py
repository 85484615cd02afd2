"""What the articles pages share."""

from django.http import Http404


def found(thing, message: str):
    """`thing`, or a 404 saying what was not found."""
    if thing is None:
        raise Http404(message)
    return thing
