"""Verifying the central's TLS certificate: the trust to use, and plain words when it fails.

There is deliberately no way to turn verification off here: a counter that sent money
records and its bearer token to whoever answers on the central's address would be worse
than one that waits. A discom with its own CA points the counter at that CA's PEM file;
otherwise the same trust store httpx uses by default (certifi's bundle, or the
``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` the machine names).
"""

from __future__ import annotations

import ssl
from pathlib import Path

UNTRUSTED_CERTIFICATE = (
    "the central's certificate is not trusted (check the central address or [central] ca_file)"
)


def client_context(ca_file: str | Path | None = None) -> ssl.SSLContext:
    """The TLS context for talking to the central, built once per counter.

    With ``ca_file``, only the certificates in that PEM file are trusted (a discom's own
    CA); raises ``OSError`` / ``ssl.SSLError`` when it cannot be read as such.
    """
    if ca_file is None:
        import httpx  # its default context: what the clients used before there was a choice

        return httpx.create_ssl_context()
    return ssl.create_default_context(cafile=str(ca_file))


def require_verification(context: ssl.SSLContext) -> ssl.SSLContext:
    """``context``, after making sure it checks the certificate and the host name.

    A client given a context that trusts anyone would look verified and not be.
    """
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise ValueError("the central's certificate must be verified (certificate and host name)")
    return context


def is_untrusted_certificate(exc: BaseException) -> bool:
    """Whether a transport error was, at its root, a certificate the counter refused
    (unknown issuer, expired, or made out for another host name)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
