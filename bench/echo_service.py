"""The baseline for RPC benchmarks: a bare nameko service that returns its argument.
No database, no validation, no unit of work: plain nameko RPC on the same broker."""
import eventlet

eventlet.monkey_patch()  # noqa: E402

from nameko.rpc import rpc  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402


class EchoService:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value


def main() -> None:
    import os

    runner = ServiceRunner({"AMQP_URI": os.environ["AMQP_URI"], "serializer": "json", "max_workers": 32})
    runner.add_service(EchoService)
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main()
