"""Saved cards and the Stripe gateway: the store's Stripe keys, cards saved with SetupIntents,
off-session charges, the Stripe webhook."""
