"""Versioned wire messages shared by the client and the venue (no Qt).

``PROTOCOL_VERSION`` travels in the ``X-Evaluator-Protocol`` header; both ends decode every
body with :func:`evaluator_app.protocol.schema.decode`, which refuses anything unexpected.
"""

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"
PROTOCOL_HEADER = "X-Evaluator-Protocol"
