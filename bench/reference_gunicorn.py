"""gunicorn settings for bench/reference.py: those `tevreden serve` uses (server/serve.py)."""

# bench/flows.py compares these with server.serve.options() and records any difference.
worker_class = "server.serve.Worker"  # gthread; only unreadable requests differ
threads = 4
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
timeout = 30
graceful_timeout = 10
keepalive = 5
proc_name = "tevreden-reference"
control_socket_disable = True
