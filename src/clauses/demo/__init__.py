"""Demonstration data (``clauses seed``): organisations, accounts and dossiers built from the
examples — not part of the store, which it only writes to."""
