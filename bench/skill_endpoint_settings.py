"""Settings for ``bench/skill_endpoint.py`` only: the portal's settings with a URL conf that
adds a bare JsonResponse view to compare the skill endpoint against. Never used by the
product."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.skill_endpoint_urls"
