"""A layout's arrangement as the front editor sends it: its areas in order, each with the ids
of the stories chosen for it, in order. Pure: reading the posted JSON, the version an editor
loaded, and the sentences that say what changed between two arrangements. Reading and writing
the database is the layout's (articles.models.fronts.Layout.arrange).
"""

import difflib
import hashlib
import json
from dataclasses import dataclass

# More than any area shows (Area.places is at most 30): what an editor may keep in reserve.
MOST_STORIES_AN_AREA = 60


class ArrangementError(ValueError):
    """An arrangement that cannot be saved, said so an editor can act on it."""


class StaleArrangement(ArrangementError):
    """The layout changed since the editor loaded it: saving would undo someone's change."""


@dataclass(frozen=True)
class Arrangement:
    # ((area id, (story id, ...)), ...), areas in order, stories in order.
    areas: tuple

    @classmethod
    def from_json(cls, text):
        """`[{"area": 3, "stories": [12, 7]}, ...]` as the editor's page posts it."""
        try:
            data = json.loads(text)
            if not isinstance(data, list):
                raise TypeError(data)
            areas = tuple(
                (_id(item["area"]), tuple(_id(story) for story in item["stories"])) for item in data
            )
        except (ValueError, TypeError, KeyError) as error:
            raise ArrangementError("The arrangement sent could not be read.") from error
        return cls(areas)

    @property
    def area_ids(self):
        return [area for area, _stories in self.areas]

    @property
    def story_ids(self):
        return {story for _area, stories in self.areas for story in stories}

    @property
    def version(self):
        """What the editor loaded, compared when they save: any change made meanwhile (an area
        added, a story moved, from this page or the area's own) changes it."""
        return hashlib.sha256(repr(self.areas).encode()).hexdigest()[:16]

    def stories_of(self, area_id):
        return dict(self.areas).get(area_id, ())


def _id(value):
    # bool is an int in Python, and JSON's true is not a story.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise TypeError(value)
    return value


def changes(before, after, *, headlines, titles):
    """What an editor did between two arrangements of the same areas, in sentences: "Moved
    ‘Harbour reopens’ to place 1 of Top stories". A story pushed down by another's move did not
    move: only those out of the longest run kept in order are named."""
    sentences = []
    moved_areas = _moved(before.area_ids, after.area_ids)
    for place, area in enumerate(after.area_ids, 1):
        if area in moved_areas:
            sentences.append(f"Moved the area {titles[area]} to place {place}")
    where = {story: area for area, stories in before.areas for story in stories}
    left = set()  # (area, story): where a story moved from, not removed
    for area, stories in after.areas:
        kept = before.stories_of(area)
        moved = _moved([s for s in kept if s in stories], [s for s in stories if s in kept])
        for place, story in enumerate(stories, 1):
            name, into = f"‘{headlines[story]}’", f"place {place} of {titles[area]}"
            origin = where.get(story)
            if story in moved:
                sentences.append(f"Moved {name} to {into}")
            elif story in kept:
                continue
            elif origin is None or story in after.stories_of(origin):
                sentences.append(f"Added {name} to {into}")
            else:
                sentences.append(f"Moved {name} from {titles[origin]} to {into}")
                left.add((origin, story))
    placed = {(area, story) for area, stories in after.areas for story in stories}
    for area, stories in before.areas:
        for story in stories:
            if (area, story) not in placed | left:
                sentences.append(f"Removed ‘{headlines[story]}’ from {titles[area]}")
    return sentences


def _moved(before, after):
    """The items of `after` that left the longest order kept from `before`."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    blocks = matcher.get_matching_blocks()
    kept = {item for block in blocks for item in after[block.b : block.b + block.size]}
    return set(after) - kept
