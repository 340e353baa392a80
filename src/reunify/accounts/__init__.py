"""Staff accounts, roles, passwords (argon2) and bearer tokens."""
