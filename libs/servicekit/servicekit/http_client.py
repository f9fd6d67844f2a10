"""Outgoing HTTP clients share one TLS context per process: httpx builds a new one for each client otherwise
(loading the CA bundle, about 50 ms), and services make clients per app, tests an app per test."""

import functools
import ssl
from typing import Any

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def async_client(**options: Any) -> httpx.AsyncClient:
    """An httpx.AsyncClient with `options`, verifying certificates with the shared context."""
    options.setdefault("verify", tls_context())
    return httpx.AsyncClient(**options)
