"""Who may do what: login by signature, bearer tokens, and who may see which session."""
