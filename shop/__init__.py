"""The web shop of each store at /shop/<store-slug>/: pages for shoppers."""
