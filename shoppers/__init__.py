"""Shopper accounts of one store: sign-up, login, addresses, the shared cart, the wish list,
the voice purchase code and checkout."""
