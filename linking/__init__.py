"""Account linking: the portal as the OAuth 2.0 server of each store's skill."""
