"""The shop's pages, one module per part of the shop (see ``shop/urls.py``)."""
