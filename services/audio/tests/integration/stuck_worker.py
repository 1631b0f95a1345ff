"""The audio service as ``python -m services.common.runner audio`` runs it, except that its analysis
never finishes: it writes to stderr the ways a service can (a warning from an OS thread, a traceback
printed by eventlet's hub), notes the file it started on in ``$AUDIO_TEST_STARTED`` and then waits
forever, holding the message unacked, until the watchdog ends the process."""
import services.common  # noqa: F401
import eventlet

eventlet.monkey_patch()  # noqa: E402 - as services.common.runner

import os  # noqa: E402
import threading  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

from services.audio import offhub, pipeline  # noqa: E402


def warn_from_an_os_thread() -> None:
    warnings.warn("a warning raised in an OS thread")


def fail_in_a_green_thread() -> None:
    raise RuntimeError("an error raised in a green thread")


def process_forever(source, *_args):
    offhub.run(warn_from_an_os_thread)
    eventlet.spawn_n(fail_in_a_green_thread)  # the hub prints its traceback on stderr
    Path(os.environ["AUDIO_TEST_STARTED"]).write_text(str(source))
    threading.Event().wait()  # a green wait: the handler hangs, the hub keeps serving pings


if __name__ == "__main__":
    pipeline.process = process_forever
    from services.common import runner

    runner.main(["audio"])
