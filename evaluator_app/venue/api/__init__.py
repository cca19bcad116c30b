"""The HTTP API of the venue: the route table and one module of handlers per resource."""
