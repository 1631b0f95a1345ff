"""Run one service: ``python -m services.common.runner accounts``.

Configuration comes from the environment (README: Configuration). SIGTERM/SIGINT stop the
service gracefully: running workers finish, unacked messages go back to their queues. A lost broker
connection is survived (the service reconnects); an error that kills the service container ends the
process with exit code 1, and a handler stuck past its limit ends it too (``services.common.watchdog``),
for its supervisor to restart it. Every line on stderr names the service (``services.common.logs``).
"""
import services.common  # noqa: F401 - first: silences eventlet's import-time deprecation warning
import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 - must precede every other import

import argparse  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from services.common import config, logs, watchdog  # noqa: E402

log = logging.getLogger("beatpass.runner")


def service_class(name: str):
    module = importlib.import_module(f"services.{name}.service")
    return module.SERVICE


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Run one BeatPass service.")
    parser.add_argument("service", choices=config.SERVICES)
    args = parser.parse_args(argv)
    logs.name_stderr_lines(args.service)
    logs.configure(args.service, config.env("LOG_LEVEL", "INFO"))
    watchdog.start_monitor(args.service)

    runner = ServiceRunner(config.nameko_config(args.service))
    runner.add_service(service_class(args.service))

    stopping = []
    started = []

    def shutdown(signum, _frame):
        # Ctrl-C reaches every process of make run's group, then the platform sends SIGTERM too: stop once
        # (nameko's runner.stop twice fails in its consumer bookkeeping)
        if stopping:
            return
        stopping.append(signum)
        log.info("stopping on signal %s", signum)
        if not started:  # still connecting (a broker that does not answer): nothing to drain, leave now
            raise SystemExit(0)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    log.info("connecting to the broker", extra={"amqp": config.amqp_uri().split("@")[-1]})
    try:
        runner.start()
    except OSError as exc:
        raise SystemExit(f"{args.service}: cannot reach RabbitMQ at {config.amqp_uri()} ({exc}); "
                         "start it (make broker) or set AMQP_URI") from None
    started.append(True)
    log.info("service started", extra={"amqp": config.amqp_uri().split("@")[-1]})
    try:
        runner.wait()
    except Exception:
        # the container died on an error it cannot survive: leave with a non-zero code, so the supervisor
        # (make run, Kubernetes) starts a fresh process and the broker redelivers what was unacked
        log.exception("service stopped on an unexpected error; exiting so that it is restarted")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
