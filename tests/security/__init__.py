"""Security and resilience tests (issue 8); docs/security.md maps each threat to them."""
