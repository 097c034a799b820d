"""Work done off the request on the huey queue: the daily purge, invitations and
reminders; and the threads of a worker process (WAL checkpoints)."""
