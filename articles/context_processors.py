import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from articles.caching import ALERTS, SITE, kept_pieces
from articles.models import Alert, Section


def nav_sections():
    """The sections every page lists in its header."""
    return list(Section.objects.all())


def page_top():
    """The masthead with its section menu, kept until the site changes, and the breaking news
    banner under it, kept until an alert is saved, starts or ends: from one read of the cache."""

    def draw(keys):
        drawn = {}
        if "masthead" in keys:
            context = {"site_name": settings.NEWSROOM_SITE_NAME, "nav_sections": nav_sections()}
            drawn["masthead"] = render_to_string("_masthead.html", context)
        if "alert" in keys:
            alert, _ = Alert.objects.banner(timezone.now())
            drawn["alert"] = render_to_string("_alert.html", {"alert": alert}) if alert else ""
        return drawn

    return kept_pieces([("masthead", SITE), ("alert", ALERTS)], draw)


def site(request):
    top = functools.cache(page_top)
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_copyright": settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        ),
        # Lazy: pages that don't show navigation (admin, feeds) don't pay for it.
        "nav_sections": nav_sections,
        "masthead": lambda: top()[0],
        "alert_banner": lambda: top()[1],
    }
