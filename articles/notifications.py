"""Emails the workflow sends: editors hear of submissions, writers of what became of their story."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse


def send(action, story, *, by, note=""):
    if action == "submit":
        recipients = editors()
        subject = f"For review: {story.headline}"
        body = f"{name(by)} submitted “{story.headline}” for review."
    elif action == "send_back":
        recipients = writers(story)
        subject = f"Sent back: {story.headline}"
        body = f"{name(by)} sent “{story.headline}” back to you with this note:\n\n{note}"
    elif action == "publish":
        recipients = writers(story)
        subject = f"Published: {story.headline}"
        body = f"“{story.headline}” has been published" + (f" ({note})." if note else ".")
    else:
        return
    recipients = sorted({user.email for user in recipients if user.email and user != by})
    if recipients:
        link = settings.NEWSROOM_SITE_URL + reverse(
            "admin:articles_article_change", args=[story.pk]
        )
        send_mail(subject, f"{body}\n\n{link}\n", None, recipients)


def editors():
    return (
        get_user_model()
        .objects.with_perm(
            "articles.approve_article", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True)
    )


def writers(story):
    users = {byline.author.user for byline in story.byline_set.select_related("author__user")}
    users.add(story.created_by)
    return [user for user in users if user is not None and user.is_active]


def name(user):
    return (user.get_full_name() or user.get_username()) if user else "Someone"
