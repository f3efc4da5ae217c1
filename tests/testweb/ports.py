"""One port number shared by listeners on many addresses.

A scan's URLs carry one port per scheme (``http://news.test:PORT``), so every
address must listen on the same HTTP port and the same HTTPS port. The kernel
only picks a free port for one address at a time: take whatever it gives the
first address, then claim that number on the others, and start over if some
other process already holds it there.
"""

import errno
import socket

ATTEMPTS = 20


class NoCommonPort(OSError):
    """No port was free on every address within ATTEMPTS tries."""


def bind_common_port(addresses: list[str]) -> tuple[int, dict[str, socket.socket]]:
    """Bound (not yet listening) sockets, one per address, all on one free port."""
    for _ in range(ATTEMPTS):
        bound: dict[str, socket.socket] = {}
        try:
            port = 0
            for address in addresses:
                bound[address] = _bind(address, port)
                port = bound[address].getsockname()[1]
            return port, bound
        except OSError as e:
            for sock in bound.values():
                sock.close()
            if e.errno != errno.EADDRINUSE:
                raise
    raise NoCommonPort(errno.EADDRINUSE, f"no port free on all of {addresses}")


def _bind(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Lets a restarted server reuse a port whose old connections sit in
        # TIME_WAIT; it never lets two listeners share one address and port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
