"""Production serving through gunicorn, embedded so `tevreden serve` is all it takes."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

# No client address (%(h)s) and no query string (it can carry tokens): path and request id.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'


class Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        return create_app()


def options(host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "tevreden",
        # One shared control socket path would collide between instances on one machine.
        "control_socket_disable": True,
    }


def serve(host: str, port: int, workers: int) -> None:
    Server(options(host, port, workers)).run()
