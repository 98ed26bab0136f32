"""The loopback HTTP(S) server both sandbox front ends (the HTTPS API and WSMan) listen with."""

import socket
import ssl
import sys
from http.server import ThreadingHTTPServer

HANDSHAKE_TIMEOUT_S = 30
# Oversized bodies up to this size are read and discarded so that the client, still busy
# sending, receives the refusal instead of a reset connection.
MAX_DRAIN_BYTES = 64 * 1024 * 1024


def content_length(headers):
    """The request's Content-Length, or -1 when it is not a whole number."""
    try:
        return int(headers.get("Content-Length") or 0)
    except ValueError:
        return -1


def drain(rfile, length):
    """Read and drop up to ``length`` body bytes (at most MAX_DRAIN_BYTES), 64 KiB at a time."""
    if length > MAX_DRAIN_BYTES:
        return
    while length > 0:
        chunk = rfile.read(min(length, 65536))
        if not chunk:
            return
        length -= len(chunk)


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1, each connection on its own daemon thread.

    With an ``ssl_context`` every connection is TLS. ``idle_timeout_s`` bounds how long an idle
    keep-alive connection holds its thread.
    """

    daemon_threads = True
    idle_timeout_s = 300

    def __init__(self, port, handler, ssl_context=None, verbose=False):
        self.ssl_context = ssl_context
        self.verbose = verbose
        super().__init__(("127.0.0.1", port), handler)

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            request.settimeout(self.idle_timeout_s)
            self.RequestHandlerClass(request, client_address, self)
            return
        # The TLS handshake runs here, in the connection's own thread, so that a slow or
        # broken client never stalls the accept loop.
        request.settimeout(HANDSHAKE_TIMEOUT_S)
        try:
            connection = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            request.close()
            return
        try:
            connection.settimeout(self.idle_timeout_s)
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            connection.close()

    def handle_error(self, request, client_address):
        # Clients that hang up or fail the handshake are normal here, not server errors.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, socket.timeout)):
            super().handle_error(request, client_address)
