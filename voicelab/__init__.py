"""The merchant's voice tooling around the skill runtime (``skill/``): what an owner uses to
build, try and certify their store's Alexa skill, never what a shopper's request runs.

- ``package/``: the skill package (``skill.json`` and the interaction models) built from the
  store's settings and catalog, validated, written as an ASK CLI project or a zip.
- ``console/``: the voice test console, where the owner types what a shopper says and the
  skill answers through the same runtime as ``/alexa/``.
- ``launch/``: the launch checklist, the certification conversations played against the
  store's skill, and the package download that the checklist records.

Inside the app the order is ``package`` < ``console`` < ``launch``: a sub-package imports
only those before it. The app imports ``skill``; ``skill`` never imports it.
"""
