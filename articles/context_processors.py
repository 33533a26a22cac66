from django.conf import settings
from django.utils import timezone

from articles.models import Section


def site(request):
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_copyright": settings.NEWSROOM_COPYRIGHT_NOTICE.format(
            year=timezone.localdate().year, holder=settings.NEWSROOM_COPYRIGHT_HOLDER
        ),
        # Lazy: pages that don't show navigation (admin, feeds) don't pay a query.
        "nav_sections": Section.objects.all,
    }
