"""The sandbox's documented request limits, and the server's own caps behind them.

The documented limits are enforced by the sandbox itself (`sandbox.middleware`, `sandbox.views`),
so that an oversized request gets a clean envelope on a connection that stays open, whatever
server runs the app:

- a request body over `MAX_BODY_BYTES` (1 MiB; an order of 200 lines is a few KB) → 413
  `payload_too_large`, chunked bodies included (the server has de-chunked them and counted them);
- a URL (path and query) over `MAX_URL_LENGTH` characters → 414 `uri_too_long`;
- a POST whose Content-Type is not `application/json` → 415 `unsupported_media_type`.

The server (waitress, `sandbox.server`) reads a whole request before the app sees it, so it
has caps of its own, set above the documented limits: past them it answers by itself (still in
the envelope, see `sandbox.server.EnvelopeErrorTask`) and closes the connection without reading
the rest, so a client still sending may see the connection reset before it reads the answer.
"""

MAX_BODY_BYTES = 1024 * 1024
MAX_URL_LENGTH = 8 * 1024
BODY_TOO_LARGE = f"The request body is over the limit of {MAX_BODY_BYTES} bytes."

# The server's caps: the request line and headers together (431 past it), and a body (413 past
# it, said to the client as MAX_BODY_BYTES, the limit it should keep to).
SERVER_MAX_HEADER_BYTES = 256 * 1024
SERVER_MAX_BODY_BYTES = 16 * MAX_BODY_BYTES
