from django import forms
from django.utils.formats import time_format
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles.models import Article
from articles.models.locking import StaleEditError

# Fields worth showing an editor whose save was refused, in the order of the form.
COMPARED = [
    "headline",
    "slug",
    "standfirst",
    "dateline",
    "body",
    "section",
    "label",
    "sponsor",
    "lead_photo",
    "copyright_notice",
    "copyright_holder",
    "copyright_year",
    "is_top_story",
]


class ArticleForm(forms.ModelForm):
    """The story form; the admin supplies its model and fields from the fieldsets."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        try:
            self.instance.check_version(cleaned.get("loaded_version"))
        except StaleEditError:
            self.refuse_stale_save(cleaned)
        return cleaned

    def refuse_stale_save(self, cleaned):
        saved = Article.objects.select_related("updated_by").get(pk=self.instance.pk)
        who = (
            saved.updated_by.get_full_name() or saved.updated_by if saved.updated_by else "Someone"
        )
        differences = [
            f"{self.fields[name].label}: “{excerpt(getattr(saved, name))}”"
            for name in COMPARED
            if name in cleaned and cleaned[name] != getattr(saved, name)
        ]
        # The editor has now seen the other save: the next submit may replace it.
        self.data = self.data.copy()
        self.data["loaded_version"] = saved.version
        raise forms.ValidationError(
            f"{who} saved this story at {time_format(saved.updated_at, 'H:i')} while you were "
            "editing it, so your changes have not been saved. They are kept below. "
            + ("The saved story now has — " + "; ".join(differences) + ". " if differences else "")
            + "Check, then save again to replace it with your version."
        )


def excerpt(value):
    return Truncator(strip_tags(str(value or "—"))).chars(120)
