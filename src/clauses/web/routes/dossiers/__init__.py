"""Dossiers: the guided wizard, the review page, the generated documents, and the dossier's
life (rename, duplicate, archive, delete), one module per area.

Every form is a plain POST answered by a redirect (post/redirect/get); with htmx the same POST
answers the fragment the page would show. Every change names the version the user saw; a
change made on an older version is refused with a 409 page that shows both states.
"""

from starlette.routing import BaseRoute

from clauses.web.routes.dossiers import (
    award,
    decp,
    documents,
    followup,
    followup_files,
    manage,
    move_routes,
    review,
    sharing,
    steps,
)

# The step save is matched before every router (see :func:`steps.save_step`), then the wizard's
# steps: their saves are the application's most frequent requests.
first: list[BaseRoute] = [steps.SAVE_ROUTE]
routers = [
    steps.router,
    manage.router,
    review.router,
    documents.router,
    sharing.router,
    move_routes.router,
    award.router,
    decp.router,
    followup.router,
    followup_files.router,
]
