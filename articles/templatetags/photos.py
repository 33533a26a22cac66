from django import template

register = template.Library()

# How wide each kind of figure is drawn, from static/css/site.css, so the browser can pick a
# rendition before the stylesheet arrives.
SIZES = {
    # .cards: a grid of columns at least 17rem wide inside the 72rem page.
    "compact": "(min-width: 72rem) 23rem, (min-width: 38rem) 50vw, 100vw",
    # .story: one column of at most 42rem.
    "full": "(min-width: 44rem) 42rem, 100vw",
}


@register.simple_tag
def picture(photo, ratio=None, compact=False, sizes=None, lazy=False):
    """The photo's <picture> element, empty without a file or a usable licence: cards get a
    16:9 crop unless told otherwise."""
    if not photo:
        return ""
    ratio = ratio or ("16:9" if compact else None)
    picture = photo.picture(ratio, sizes=sizes or SIZES["compact" if compact else "full"])
    return picture.element(alt=photo.alt_text, lazy=lazy) if picture else ""
