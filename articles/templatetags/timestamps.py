from django import template
from django.utils import timezone

from articles.models.workflow import when

register = template.Library()


@register.filter
def iso8601(moment):
    """A time for machines (<time datetime>, meta tags, sitemaps), in whole seconds.

    The `c` date format keeps microseconds, which HTML's datetime attribute does not allow.
    """
    if not moment:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.filter
def newsroom_time(moment):
    """A time for editors, with its time zone: "7 December 2026, 15:50 (Europe/London)"."""
    return when(moment) if moment else ""
