"""Publishing the store's skill to Alexa through the Skill Management API (SMAPI), above the
launch checklist: the owner connects the store to their Amazon developer account (Login with
Amazon's authorization code grant, ``connect``), chooses the vendor, and publishes from the
checklist or with ``manage.py publish_skill`` (``pipeline``: export, import, account
linking, in-skill products, build, enablement, validations, a smoke simulation, and
submission for certification when asked). The client is ask-smapi-model's
``SkillManagementServiceClient`` (``client``)."""
