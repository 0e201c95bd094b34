"""Settings of the benchmark servers: the portal's, plus a bare view to compare with."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
