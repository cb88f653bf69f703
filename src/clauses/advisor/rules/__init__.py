"""The advisor's rules, one module per family: the hours clause and the criterion that scores
it, the reserved contracts, the contract's object (insertion contract, allotment), the other
social conditions. Each rule rates its mechanism on every perimeter (the whole contract, or each
lot) and says why, as notes whose French text is in ``clause_library/notes.yaml``."""
