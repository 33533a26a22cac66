from articles.admin import (  # noqa: F401  (registers the model admins)
    alerts,
    article,
    fronts,
    live,
    partners,
    people,
    photo,
    users,
)
