"""Open data and integration: the public OParl 1.1 API and the token-authenticated API for the
diarium and other systems (issue 18)."""
