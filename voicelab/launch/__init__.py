"""The launch checklist: what Amazon's certification will check, per store, and where the
store stands; and the certification conversations, played against the store's own skill.

- ``checks.py``: one plain function per checklist item, each returning a ``Check``.
- ``dialogue.py``: a test shopper talking to the skill in-process, with the Amazon Pay and
  ISP sandboxes playing Amazon, keeping the transcript in words.
- ``cases.py``: which certification cases apply to a store; the rows are in
  ``order_cases.py`` (Amazon Pay and orders) and ``isp_cases.py`` (in-skill purchasing),
  their expectations and conversation helpers in ``expectations.py``.
- ``runner.py``: plays the cases of one ``CertificationRun``; its Celery task is
  ``voicelab.tasks.run_certification``, queued by name from ``services.py``.
- ``services.py`` / ``selectors.py``: writes and reads (export records, runs).
- ``views.py`` / ``urls.py``: the owner's page under ``/console/launch/``;
  ``package_views.py``: the skill package download the export item links to (its address,
  ``console:skill_package``, is joined to the console's in ``voicelab.urls``).
"""
