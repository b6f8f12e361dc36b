"""The public regional funding page (no account; everything recorded is public)."""

from django.shortcuts import render

from funding import selectors


def regional(request):
    """Every quantification with its lines, the gap computed, the reconciliation with the
    totals it states, and the funding recorded by country."""
    return render(request, "funding/regional.html", {"data": selectors.regional()})
