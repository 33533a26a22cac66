from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from articles.caching import SITE, kept_pieces
from articles.models import Section


def nav_sections():
    """The sections every page lists in its header."""
    return list(Section.objects.all())


def masthead():
    """The masthead with its section menu, kept until the site changes."""

    def draw(keys):
        context = {"site_name": settings.NEWSROOM_SITE_NAME, "nav_sections": nav_sections()}
        return {"masthead": render_to_string("_masthead.html", context)}

    return kept_pieces([("masthead", SITE)], draw)[0]


def site(request):
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_copyright": settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        ),
        # Lazy: pages that don't show navigation (admin, feeds) don't pay for it.
        "nav_sections": nav_sections,
        "masthead": masthead,
    }
