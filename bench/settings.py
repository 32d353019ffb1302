"""The app's settings plus a bare view (the framework ceiling), for benchmarks only."""

from jiceng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
