"""The HTTP service: app factory, JSON API routers, and (later) pages."""
