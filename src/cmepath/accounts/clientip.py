"""The client's address as seen through the proxies the operator trusts.

``X-Forwarded-For`` is only believed when the request comes from an address listed in
``CMEPATH_TRUSTED_PROXIES`` (addresses or networks); the client is then the right-most
address in the header that is not itself a trusted proxy. Anyone else's header is ignored,
so a client cannot pick the address it is throttled under. django-axes
(``AXES_CLIENT_IP_CALLABLE``) and allauth's rate limits (the account adapter) both use it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "CMEPATH_TRUSTED_PROXIES", ()) or ()))


def parse_address(value: str) -> Address | None:
    """An address from a header or ``REMOTE_ADDR``: ``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: Any) -> str:
    """The address to throttle and log this request under."""
    remote_raw = request.META.get("REMOTE_ADDR", "") or ""
    remote = parse_address(remote_raw)
    networks = trusted_proxies()
    if remote is None:
        return remote_raw
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    hops = (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:  # a garbled hop: stop at the last address we could trust
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
