from django import template

register = template.Library()


@register.filter
def editor_besides(story, user):
    """Who else has `story` open, for a page drawn for `user`."""
    return story.editor_besides(user)
