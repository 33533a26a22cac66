"""The reader's own address, when the app runs behind a reverse proxy it trusts.

Behind nginx (deploy/nginx.conf) every request reaches the app from nginx's address, and nginx
passes the reader's in X-Real-IP. Login throttling (django-axes) counts failures per username
and address: counted against nginx's, five wrong passwords from anyone would lock the account
for everyone. The header is believed only from the addresses in NEWSROOM_TRUSTED_PROXIES;
anyone else reaching the app directly could write it themselves.
"""

import contextlib
import functools
import ipaddress

from django.conf import settings


def client_address(request):
    """The address a request came from: the proxy's word for it when the proxy is trusted."""
    peer = request.META.get("REMOTE_ADDR", "")
    if _is_trusted(peer, tuple(settings.NEWSROOM_TRUSTED_PROXIES)):
        # A trusted proxy that sent no address (or nonsense) counts as itself.
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_address(request.META.get("HTTP_X_REAL_IP", "").strip()))
    return peer


@functools.cache
def _is_trusted(peer, proxies):
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
