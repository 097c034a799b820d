"""Score reports and CSV exports read from the database, shared by the API and the dashboard."""
