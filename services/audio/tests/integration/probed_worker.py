"""The audio service exactly as ``python -m services.common.runner audio`` runs it, plus a probe:
every use of a green primitive from an OS thread (an eventlet semaphore or lock taken, or an
eventlet hub looked up — a green sleep, wait or timeout) is written to stderr as one line starting
with ``PROBE``. Such a use is what froze the service (see ``services.audio.offhub``); the probe
reports it even in a run whose timing happened not to hang."""
import services.common  # noqa: F401
import eventlet

eventlet.monkey_patch()  # noqa: E402 - as services.common.runner

import os  # noqa: E402
import traceback  # noqa: E402

import eventlet.hubs  # noqa: E402
import eventlet.patcher  # noqa: E402
import eventlet.semaphore  # noqa: E402

_os_threading = eventlet.patcher.original("threading")


def _report_if_in_os_thread(what: str) -> None:
    if _os_threading.current_thread() is not _os_threading.main_thread():
        stack = " | ".join(line.strip().replace("\n", " ") for line in traceback.format_stack(limit=12)[:-2])
        os.write(2, f"PROBE {what} in an OS thread: {stack}\n".encode())  # os.write: no lock of any kind


def _probe(owner, name: str, what: str) -> None:
    original = getattr(owner, name)

    def probed(*args, **kwargs):
        _report_if_in_os_thread(what)
        return original(*args, **kwargs)

    setattr(owner, name, probed)


_probe(eventlet.semaphore.Semaphore, "acquire", "green semaphore/lock acquired")
_probe(eventlet.hubs, "get_hub", "eventlet hub used")

if __name__ == "__main__":
    from services.common import runner

    runner.main(["audio"])
