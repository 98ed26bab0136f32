"""The loopback HTTP(S) server both sandbox front ends (the HTTPS API and WSMan) listen with."""

import socket
import ssl
import sys
from http.server import ThreadingHTTPServer

HANDSHAKE_TIMEOUT_S = 30


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
