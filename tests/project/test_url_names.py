"""No two routes share a name: ``{% url %}`` and ``reverse`` take the last one registered, so a
shared name silently sends a page's form to another route (the periods page once posted its lock
button to the API's ``period-lock`` action)."""

from collections import defaultdict

from django.urls import get_resolver


def _named_routes(patterns, prefix="", namespace=None, found=None):
    found = defaultdict(set) if found is None else found
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):  # an include()
            inner = pattern.namespace or namespace
            _named_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner, found)
        elif pattern.name:
            found[(namespace, pattern.name)].add(prefix + str(pattern.pattern))
    return found


def test_every_route_name_names_one_route():
    shared = {
        name: sorted(routes)
        for name, routes in _named_routes(get_resolver().url_patterns).items()
        # the API's format-suffix twins (``.json``) of a route are the same route
        if len({route for route in routes if "format>" not in route}) > 1
    }
    assert shared == {}
