"""As for en_GB (newsroom.formats.en_GB): 24-hour times, always with their zone."""

from newsroom.formats.en_GB.formats import (  # noqa: F401
    DATETIME_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
