"""Completed orders coming in: the shops' webhooks (generic, WooCommerce, Shopify) with their
signatures, and CSV imports; each order schedules at most one invitation."""
