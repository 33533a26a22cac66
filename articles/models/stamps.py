from django.conf import settings
from django.db import models


def stamped_by():
    """Who did something to a record: kept when the account goes, never edited in forms."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
