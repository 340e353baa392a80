"""The reference scenario (shared SCENARIO.md) as demo data."""
