"""The questionnaire's logic, without HTTP: the answers a buyer types and the profile they make
(:mod:`.wizard`), what one step's submitted form changes (:mod:`.save`), the CPV nomenclature and
its search (:mod:`.cpv`), and what the sizing step explains (:mod:`.explain`). The web shows it;
the demonstration data fill dossiers with it. It imports neither the web nor the store."""
