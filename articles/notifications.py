"""Emails the newsroom sends: editors hear of submissions, writers of what became of their
story and of what they are assigned, both of notes left on a story, and new colleagues how to
choose their password.

Mail goes out after the step has committed, so nothing that goes wrong here may undo it or turn
it into an error page: a failed attempt is logged, tried again a couple of times (a mail server
that dropped one connection usually takes the next), then logged as lost with whom it was for.
The audit trail and the story budget still show the step.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import get_text_list

logger = logging.getLogger(__name__)

# Seconds to wait before each further attempt: short, as the editor's request is waiting.
RETRY_DELAYS = (0.5, 2)


def send(action, story, *, by, note=""):
    """Tell the people concerned of a step taken; never raises."""
    try:
        message = compose(action, story, by=by, note=note)
    except Exception:
        logger.exception("Could not write the %s mail for story %s", action, story.pk)
        return
    if message is not None:
        deliver(*message, about=f"“{one_line(story.headline)}” (story {story.pk})")


def compose(action, story, *, by, note=""):
    """(subject, body, recipients) of the mail a step sends, or None."""
    if action == "submit":
        recipients = editors()
        subject = f"For review: {story.headline}"
        body = f"{name(by)} submitted “{story.headline}” for review."
    elif action == "send_back":
        recipients = writers(story)
        subject = f"Sent back: {story.headline}"
        body = f"{name(by)} sent “{story.headline}” back to you with this note:\n\n{note}"
    elif action == "note":
        recipients = [*writers(story), *acting_editors(story)]
        subject = f"Note on: {story.headline}"
        body = f"{name(by)} left a note on “{story.headline}”:\n\n{note}"
    elif action == "assign":
        recipients = [story.assigned_to] if story.assigned_to else []
        subject = f"Assigned to you: {story.headline}"
        body = f"{name(by)} assigned “{story.headline}” {note}."
    elif action == "publish":
        recipients = writers(story)
        subject = f"Published: {story.headline}"
        body = f"“{story.headline}” has been published" + (f" ({note})." if note else ".")
    else:
        return None
    recipients = sorted({user.email for user in recipients if user.email and user != by})
    if not recipients:
        return None
    link = settings.NEWSROOM_SITE_URL + reverse("admin:articles_article_change", args=[story.pk])
    # A subject is a mail header, which refuses line breaks: a headline saved before headlines
    # refused them still makes a one-line subject.
    return one_line(subject), f"{body}\n\n{link}\n", recipients


def deliver(subject, body, recipients, *, about):
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            send_mail(subject, body, None, recipients)
        except OSError:  # the mail server or the network (SMTPException is an OSError)
            if delay is None:
                logger.exception(
                    "Mail about %s not sent after %d attempts, to %s: %r",
                    about,
                    attempt,
                    ", ".join(recipients),
                    subject,
                )
                return
            logger.warning("Mail about %s failed (attempt %d); trying again", about, attempt)
            time.sleep(delay)
        except Exception:
            # Anything else would fail the same way again.
            logger.exception("Mail about %s not sent, to %s", about, ", ".join(recipients))
            return
        else:
            return


def one_line(text):
    return " ".join(text.split())


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
    users.update([story.created_by, story.assigned_to])
    return [user for user in users if user is not None and user.is_active]


def acting_editors(story):
    """Editors who have taken a step on the story or left a note on it."""
    from articles.models import AuditEntry, StoryNote

    acted = AuditEntry.objects.filter(article=story).values("by")
    noted = StoryNote.objects.filter(story=story).values("author")
    return editors().filter(Q(pk__in=acted) | Q(pk__in=noted))


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
    subject = f"Welcome to {settings.NEWSROOM_SITE_NAME}"
    deliver(subject, body, [user.email], about=f"the invitation of {user.get_username()}")
