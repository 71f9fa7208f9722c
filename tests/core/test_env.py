"""Strict environment reading (core/env.py): a boolean or number that does not parse stops
startup with the variable's name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import Env


def env(**values):
    reader = Env()
    reader.ENVIRON = values
    return reader


@pytest.mark.parametrize("raw", ["true", "True", "yes", "on", "1", " true "])
def test_it_reads_true(raw):
    assert env(FLAG=raw).bool("FLAG", default=False) is True


@pytest.mark.parametrize("raw", ["false", "FALSE", "no", "off", "0"])
def test_it_reads_false(raw):
    assert env(FLAG=raw).bool("FLAG", default=True) is False


@pytest.mark.parametrize("raw", ["true # behind nginx", "ture", "y", "2", "enabled"])
def test_it_refuses_a_boolean_that_does_not_parse_and_names_it(raw):
    with pytest.raises(ImproperlyConfigured, match="BEHIND_TLS_PROXY must be true or false"):
        env(BEHIND_TLS_PROXY=raw).bool("BEHIND_TLS_PROXY", default=False)


@pytest.mark.parametrize("raw", ["15 # seconds", "1.5", "fifteen", "0x10"])
def test_it_refuses_a_whole_number_that_does_not_parse_and_names_it(raw):
    with pytest.raises(ImproperlyConfigured, match="ORDERS_RETRY_INTERVAL must be a whole number"):
        env(ORDERS_RETRY_INTERVAL=raw).int("ORDERS_RETRY_INTERVAL", default=15)


@pytest.mark.parametrize("raw", ["10s", "nan", "inf", "ten"])
def test_it_refuses_a_number_that_does_not_parse_and_names_it(raw):
    with pytest.raises(ImproperlyConfigured, match="CUPSOURCE_TIMEOUT must be a number"):
        env(CUPSOURCE_TIMEOUT=raw).float("CUPSOURCE_TIMEOUT", default=10.0)


def test_unset_or_empty_takes_the_default():
    assert env().int("PORT", default=8000) == 8000
    assert env(PORT="").int("PORT", default=8000) == 8000
    assert env(DEBUG="  ").bool("DEBUG", default=True) is True
    assert env(PORT="8080").int("PORT", default=8000) == 8080
    assert env(TIMEOUT="2.5").float("TIMEOUT", default=10.0) == 2.5


def test_a_required_variable_that_is_missing_is_named():
    with pytest.raises(ImproperlyConfigured, match="Set the WORKERS environment variable"):
        env().int("WORKERS")


def test_an_empty_url_takes_the_default_like_an_unset_one():
    # `CACHE_URL=` copied from .env.example means "the default", not an invalid cache URL.
    config = env(CACHE_URL="").cache("CACHE_URL", default="locmemcache://cupboard")
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert not env(CACHE_URL="").is_set("CACHE_URL")
    assert env(CACHE_URL="redis://127.0.0.1:6379/6").is_set("CACHE_URL")
