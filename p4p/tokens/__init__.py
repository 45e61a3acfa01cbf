"""Personal access tokens: a person's key to the read-only JSON API (p4p.api)."""
