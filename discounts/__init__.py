"""Discount codes of a store: percentage or fixed, a validity window, a usage limit; applied the
same way in the web shop and through UCP."""
