from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.validators import no_line_breaks


class Author(models.Model):
    """A byline: a staff writer, a freelancer or a wire agency."""

    name = models.CharField(max_length=150, validators=[no_line_breaks])
    slug = models.SlugField(max_length=150, unique=True)
    bio = models.TextField(blank=True, help_text="A sentence or two, shown on the author's page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account that writes under this byline. Leave empty for agencies "
        "and freelancers.",
    )
    is_agency = models.BooleanField(
        "agency",
        default=False,
        help_text="A news agency or syndication service, not a person: wire copy that names "
        "no writer is bylined to it.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})
