"""The UCP operations as transport-neutral functions: each takes the store, the negotiated
platform, the linked shopper (or None) and the request's payload (a decoded JSON object) and
answers ``(status, body)``, the body being the spec's response or its error response. The
REST views (``ucp.operation_views``) and the MCP tools call the same functions."""
