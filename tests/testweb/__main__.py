"""Run the test web by hand: `python -m tests.testweb`, Ctrl-C to stop.

Prints every URL it serves and the environment that points Spyglass at it.
"""

import argparse
import threading

from tests.testweb.hosts import TEST_NETWORKS
from tests.testweb.routes import ANY_PATH
from tests.testweb.server import TestWeb
from tests.testweb.sites import ROUTES


def main() -> None:
    argparse.ArgumentParser(
        prog="python -m tests.testweb",
        description="Serve the local test web on loopback until Ctrl-C; print every URL it "
        "serves and the SPYGLASS_* settings that scan it (internal.test stays closed).",
    ).parse_args()
    with TestWeb() as web:
        print(f"Test web: HTTP port {web.http_port}, HTTPS port {web.https_port}")
        print("(every URL below also answers over https:// on the HTTPS port)\n")
        for host, address in web.pins.items():
            print(f"{host} ({address})")
            for path in ROUTES.by_host[host]:
                print(f"  {web.url(host, path if path != ANY_PATH else '/')}")
        resolve = ",".join(f"{host}:{address}" for host, address in web.pins.items())
        print("\nScan it with Spyglass:\n")
        print(f"export SPYGLASS_RESOLVE={resolve}")
        # Only the ranges the tests open: internal.test must stay closed here too.
        print(f"export SPYGLASS_ALLOW_NETWORKS={','.join(TEST_NETWORKS)}")
        print(f"export SPYGLASS_TRUSTED_SPKI={web.spki_hash}")
        print("\nOr a bare Chromium:\n")
        print(f"--host-resolver-rules={web.resolver_rules()}")
        print(f"--ignore-certificate-errors-spki-list={web.spki_hash}")
        try:  # from the line that says Ctrl-C on, Ctrl-C stops cleanly
            print("\nServing until Ctrl-C.", flush=True)
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nStopping.")


if __name__ == "__main__":
    main()
