"""A TCP proxy the test can switch off and on: a broker outage without stopping the real broker."""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self._closing = False
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._closing:  # woken by close(): this thread owns the listener, so it closes it
                client.close()
                self.listener.close()
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)  # 5 s to connect, not a limit on silence: a broker may say nothing for long
            with self._lock:
                self._connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except (OSError, EOFError):  # the other side (or go_down) shut it
            pass
        finally:
            # shut both down (the other pipe's recv then ends), but close only the socket this thread reads:
            # under eventlet, closing a socket another green thread waits on leaves that waiter registered
            # on a number the next socket or database connection gets, which then fails as a second reader
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            source.close()

    def go_down(self) -> None:
        """Refuse new connections and cut the open ones, as a dead broker would."""
        self.up = False
        with self._lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)  # its pipe thread then closes it (see _pipe)
                except OSError:
                    pass
            self._connections.clear()

    def come_back(self) -> None:
        self.up = True

    def close(self) -> None:
        self.go_down()
        self._closing = True
        try:  # wake the accept thread rather than closing the socket it waits on (see _pipe)
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        except OSError:
            self.listener.close()
