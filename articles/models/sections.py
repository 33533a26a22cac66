from functools import lru_cache

from django.db import models
from django.urls import get_script_prefix, reverse

from articles.validators import no_line_breaks


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[no_line_breaks])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown at the top of the section page.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed in navigation from the lowest number up."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return _section_url(get_script_prefix(), self.slug)


# Every reader page links sections (the menu, the front page's blocks): each address is worked
# out once per worker rather than by reverse() on every link.
@lru_cache(maxsize=1024)
def _section_url(prefix, slug):
    return reverse("articles:section", kwargs={"slug": slug})
