"""The owner's dashboard (``/dashboard/<store slug>/``): one store's sales, voice traffic,
funnels, in-skill purchasing, retention, interaction paths, what the skill did not understand
and the upsell experiments, over a range of the store's days compared with the period before.

* ``ranges.py``: the ranges (today, 7, 30, 90 days, custom) and the period before each.
* ``reads.py`` (with ``reads_base.py``, ``isp_reads.py``, ``request_reads.py``,
  ``voice_reads.py``): the reads the analytics selectors do not offer, each a fixed number of
  queries whatever the data's size, scoped by the store and without test traffic.
* ``conversation_reads.py``: the paths, fallbacks, funnel and words of the range, from the
  conversation rollups for the days rolled up and the raw log for the others (today).
* ``page.py``: ``Dashboard``, which gathers one store's numbers for one range, lazily, so a
  chart's CSV download reads only what that chart shows.
* ``charts.py``: every chart's data (the canvas, the table under it and its CSV alike).
* ``forms.py``, ``views.py``, ``urls.py``: the pages, the CSV downloads and the two actions
  (add an unmatched word as a synonym; end an upsell experiment with a winner).

Owners only (the settings area): a colleague of another role gets 403, another store's slug
404. Writes go through ``catalog.services`` and ``isp.experiments``.
"""
