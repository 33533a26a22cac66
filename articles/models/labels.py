from django.db import models


class Label(models.TextChoices):
    """What kind of story readers are told they are reading; no label is plain news."""

    OPINION = "opinion", "Opinion"
    ANALYSIS = "analysis", "Analysis"
    LIVE = "live", "Live"
    SPONSORED = "sponsored", "Sponsored"
