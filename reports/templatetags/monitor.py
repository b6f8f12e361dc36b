from django import template

register = template.Library()


@register.filter
def percent(fraction) -> str:
    """0.4321 -> '43%' (coverage is a 0-1 fraction in the engine)."""
    if fraction is None:
        return ""
    return f"{round(float(fraction) * 100)}%"
