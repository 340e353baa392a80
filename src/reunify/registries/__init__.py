"""Exchange with other registries (Person Finder-compatible, PFIF 1.4)."""
