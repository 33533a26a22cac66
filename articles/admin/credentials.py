"""What a photo's Content Credentials say, for editors, beside its credit."""

from django.utils.html import format_html, format_html_join

WARNING_COLOUR = "#ba2121"


def credentials_note(photo):
    """The signer and what they did, or a warning in red; a dash for an unsigned picture."""
    credentials = photo.credentials if photo else None
    if credentials is None:
        return "— (the file carries no Content Credentials)"
    warnings = credentials.warnings()
    if photo.ai_label:
        warnings = [*warnings, f"Labelled for readers: {photo.get_ai_label_display()}."]
    elif credentials.is_ai_generated:
        warnings.append(
            'Choose an AI label ("AI-generated image" or "Illustration") before publishing.'
        )
    lines = format_html_join(
        "",
        '<li><strong style="color:{}">{}</strong></li>',
        ((WARNING_COLOUR, warning) for warning in warnings),
    )
    ingredients = ""
    if credentials.ingredients:
        ingredients = format_html("<li>Made from: {}</li>", ", ".join(credentials.ingredients))
    summary = credentials.summary() if not credentials.is_changed_after_signing else ""
    return format_html(
        '<ul class="content-credentials">{}{}{}</ul>',
        format_html("<li>{}</li>", summary) if summary else "",
        lines,
        ingredients,
    )
