#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TLS 1.2 server at the host end of the Cortex-M4 firmware's UART
(tests/e2e/target_tls.sh; bench/70-target.sh): QEMU connects its serial port
to this TCP port (-serial tcp:127.0.0.1:PORT), the firmware
(tests/target/size-ota-tls.c) runs fwseal's TLS client over the UART, and
this server sends FILE as the application data, then close_notify.

    tls_uart_server.py CERT KEY FILE PORT_FILE [ALERT_LOG]

Listens on 127.0.0.1, an ephemeral port written to PORT_FILE; one client.
"""
import socket
import ssl
import sys


def main():
    cert, key, payload, port_file = sys.argv[1:5]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(120)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    conn, _ = srv.accept()
    conn.settimeout(120)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
        with open(payload, "rb") as f:
            tls.sendall(f.read())
        try:
            tls.unwrap()            # close_notify: the client sees the end of the image
        except (ssl.SSLError, OSError):
            pass
    except (ssl.SSLError, OSError) as e:
        print("tls_uart_server: %s" % e, file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
