from django.db import models


class Status(models.TextChoices):
    """Where a story stands in the editorial workflow.

    "Scheduled" and "embargoed" are not statuses: they are published or approved stories whose
    times have not come yet, so they go live without anything having to flip them.
    """

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SPIKED = "spiked", "Spiked"
