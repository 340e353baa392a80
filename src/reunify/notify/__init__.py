"""Notifications: an outbox written with each change, and a notifier that sends it by SMTP
and to a webhook / SMS gateway, at least once, with a stable Message-ID per change."""
