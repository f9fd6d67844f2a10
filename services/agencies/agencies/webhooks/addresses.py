"""Where a webhook may be sent (SSRF): http(s) only, and only to public addresses, whatever the host name
resolves to now, unless the deployment allows internal ones. Checked when an endpoint is saved and again before
every attempt (a name may resolve elsewhere later)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from agencies.errors import WebhookUrlNotAllowed


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_webhook_url(url: str, *, allow_private: bool) -> None:
    """Raise WebhookUrlNotAllowed unless `url` is http(s) and every address of its host is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise WebhookUrlNotAllowed()
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise WebhookUrlNotAllowed(f"无法解析 Webhook 主机 {parts.hostname}。",
                                   f"The webhook host {parts.hostname} does not resolve.") from exc
    if not found or not all(_is_public(info[4][0]) for info in found):
        raise WebhookUrlNotAllowed()
