"""E-mail: composing invitations and reminders (templates per language, text and HTML) and
delivering the outbox through TEVREDEN_SMTP_URL."""
