"""Tracking: registering people and applying movements, with the audit trail beside them."""
