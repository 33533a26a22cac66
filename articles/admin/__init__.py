from articles.admin import (  # noqa: F401  (registers the model admins)
    alerts,
    article,
    fronts,
    partners,
    people,
    photo,
    users,
)
