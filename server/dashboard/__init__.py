"""The owner's dashboard at /dashboard: one module per group of pages."""
