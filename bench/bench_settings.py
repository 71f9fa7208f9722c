"""Settings for bench/catalog.py only: the project's settings plus a hello-world URL to compare
against (`DJANGO_SETTINGS_MODULE=bench.bench_settings`, run from the repo root)."""

from dashboard.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
