"""Times as a newsroom reads them: 24-hour, and always with their zone, wherever the admin shows
one (lists, read-only fields, histories), since desks in other zones read them too."""

DATETIME_FORMAT = "j M Y, H:i T"  # '7 Dec 2026, 15:50 GMT'
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
TIME_FORMAT = "H:i"
