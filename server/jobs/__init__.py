"""Work done off the request: the daily purge, and the threads that run such work."""
