"""The owner API at /api/v1: Bearer tokens, JSON and CSV, its OpenAPI document."""
