"""What visitors see: the widget page and its answers, receipts, the loader, the privacy notice,
the demo shop."""
