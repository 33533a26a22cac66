import functools
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from articles.caching import ALERTS, SITE, expires, kept_pieces
from articles.models import Alert, Section


def nav_sections():
    """The sections every page lists in its header."""
    return list(Section.objects.all())


def page_top(request=None):
    """The masthead with its section menu, kept until the site changes, and the breaking news
    banner under it, kept until an alert is saved, starts or ends: from one read of the cache.

    The page being built for `request` is kept by nobody past the banner's next change.
    """

    def draw(keys):
        drawn = {}
        if "masthead" in keys:
            context = {
                "site_name": settings.NEWSROOM_SITE_NAME,
                "site_logo": static(settings.NEWSROOM_LOGO),
                "nav_sections": nav_sections(),
            }
            drawn["masthead"] = render_to_string("_masthead.html", context)
        if {"alert", "alert:changes-at"} & set(keys):
            alert, changes_at = Alert.objects.banner(timezone.now())
            drawn["alert"] = render_to_string("_alert.html", {"alert": alert}) if alert else ""
            # Kept beside it, as text (pieces are text), for the page's lifetime.
            drawn["alert:changes-at"] = changes_at.isoformat() if changes_at else ""
        return drawn

    masthead, banner, changes_at = kept_pieces(
        [("masthead", SITE), ("alert", ALERTS), ("alert:changes-at", ALERTS)], draw
    )
    if request is not None and changes_at:
        expires(request, datetime.fromisoformat(changes_at))
    return masthead, banner


def site(request):
    top = functools.cache(functools.partial(page_top, request))
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_logo": lambda: static(settings.NEWSROOM_LOGO),
        # Open Graph's image for pages without a photo of their own: an absolute address.
        "site_share_image": lambda: request.build_absolute_uri(
            static(settings.NEWSROOM_SHARE_IMAGE)
        ),
        "site_copyright": settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        ),
        # Lazy: pages that don't show navigation (admin, feeds) don't pay for it.
        "nav_sections": nav_sections,
        "masthead": lambda: top()[0],
        "alert_banner": lambda: top()[1],
    }
