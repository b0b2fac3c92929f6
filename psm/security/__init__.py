"""Cross-cutting protections: lockout, two-factor, error pages, request limits (SECURITY.md)."""
