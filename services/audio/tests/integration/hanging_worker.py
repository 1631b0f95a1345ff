"""An audio worker process whose analysis never finishes: it notes the file it started on in
``$AUDIO_TEST_STARTED`` and then hangs, holding the message unacked, until the test kills it.

Run as ``python -m services.audio.tests.integration.hanging_worker`` (same environment as a real
replica: AMQP_URI, AUDIO_DATABASE_URL, MEDIA_ROOT)."""
import eventlet

eventlet.monkey_patch()  # noqa: E402 - as services.common.runner

import os  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from services.audio import pipeline  # noqa: E402
from services.audio.service import AudioService  # noqa: E402
from services.common import config  # noqa: E402


def process_forever(source, *_args):
    Path(os.environ["AUDIO_TEST_STARTED"]).write_text(str(source))
    threading.Event().wait()  # a green wait (the process is monkey-patched): holds the message, not the hub


def main() -> None:
    pipeline.process = process_forever
    runner = ServiceRunner({**config.nameko_config("audio"), "max_workers": 2})
    runner.add_service(AudioService)
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main()
