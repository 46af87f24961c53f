"""Run the ``casenote`` CLI with every non-loopback network attempt refused and recorded.

A Python audit hook sees each ``socket.connect``/``getaddrinfo`` before it happens; a
non-loopback one is written to $CASENOTE_NET_LOG and refused with an OSError.
"""
import ipaddress
import os
import sys

_LOG = os.environ["CASENOTE_NET_LOG"]
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hook(event, args):
    host = None
    if event == "socket.connect":
        addr = args[1]
        if isinstance(addr, tuple):
            host = addr[0]
        else:
            return  # AF_UNIX path: local by definition
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if not _is_local(host):
        with open(_LOG, "a") as fh:
            fh.write(f"{event} {host}\n")
        raise OSError(f"network access refused by test: {host}")


sys.addaudithook(_hook)
from assistant.cli import main  # noqa: E402

sys.argv = ["casenote", *sys.argv[1:]]
main()
