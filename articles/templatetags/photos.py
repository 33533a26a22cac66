from django import template

register = template.Library()

# How wide each kind of figure is drawn, from static/css/site.css, so the browser can pick a
# rendition before the stylesheet arrives.
SIZES = {
    # The front's lead story: two thirds of the 72rem page from 64rem, the width of a phone.
    "lead": "(min-width: 72rem) 46rem, (min-width: 64rem) 64vw, 100vw",
    # A card: a third of the page at most (a row of four is narrower), half on a tablet.
    "compact": "(min-width: 72rem) 23rem, (min-width: 40rem) 50vw, 100vw",
    # .story: one column of at most 42rem.
    "full": "(min-width: 44rem) 42rem, 100vw",
}


@register.simple_tag
def picture(photo, ratio=None, compact=False, sizes=None, lazy=False):
    """The photo's <picture> element, empty without a file or a usable licence: cards get a
    16:9 crop unless told otherwise. `sizes` is one of SIZES by name, or the attribute itself."""
    if not photo:
        return ""
    ratio = ratio or ("16:9" if compact else None)
    sizes = SIZES.get(sizes, sizes) or SIZES["compact" if compact else "full"]
    picture = photo.picture(ratio, sizes=sizes)
    return picture.element(alt=photo.alt_text, lazy=lazy) if picture else ""
