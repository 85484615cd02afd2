"""Agreement statistics of a review's double curation, for the whole review or one pair of curators."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..double_forms import CuratorPairForm
from ..selectors import double as double_selectors
from ._common import curator_required, review_or_404


@require_GET
@curator_required
def agreement(request, pmid: int) -> HttpResponse:
    review = review_or_404(pmid)
    form = CuratorPairForm(request.GET)
    status = 200
    if form.is_valid():
        curators = form.cleaned_data["curators"]
    else:
        curators, status = None, 400
    context = {
        "review": review,
        "form": form,
        "pairs": double_selectors.curator_pairs(review=review),
        "curators": curators,
        "result": double_selectors.agreement(review=review, curators=curators) if status == 200 else None,
    }
    return render(request, "curation/agreement.html", context, status=status)
