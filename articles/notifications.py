"""Emails the newsroom sends: editors hear of submissions, writers of what became of their
story, and new colleagues how to choose their password."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import get_text_list


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


def invite(user, *, by):
    """Welcome someone just added: a link to choose their own password, which Django's
    password-reset token makes single-use and lets lapse after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.NEWSROOM_SITE_URL + reverse("password_reset_confirm", args=[uid, token])
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    body = (
        f"{name(by)} has added you to {settings.NEWSROOM_SITE_NAME} as "
        f"{get_text_list([group.name for group in user.groups.all()], 'and')}.\n\n"
        f"Choose your password here (the link works once, for {days} "
        f"{'day' if days == 1 else 'days'}):\n\n{link}\n\n"
        f"Your username is {user.get_username()}.\n"
    )
    send_mail(f"Welcome to {settings.NEWSROOM_SITE_NAME}", body, None, [user.email])
