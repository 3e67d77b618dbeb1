"""A TCP proxy in front of the real PostgreSQL that can stop forwarding on demand.

Frozen, it keeps every connection open and accepts new ones, but passes no byte in either
direction: to the portal the database looks alive and silent, as a paused server or a
broken network path does.
"""

import select
import socket
import threading


class FreezableProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.stopped = threading.Event()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self):
        self.flowing.clear()

    def thaw(self):
        self.flowing.set()

    def close(self):
        self.stopped.set()
        self.flowing.set()
        self.listener.close()
        for a, b in self.pairs:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def _accept(self):
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket):
        # Frozen: the connection is accepted, but not even the server side is reached.
        self.flowing.wait()
        if self.stopped.is_set():
            client.close()
            return
        server = socket.create_connection(self.target)
        self.pairs.append((client, server))
        peers = {client: server, server: client}
        try:
            while not self.stopped.is_set():
                readable, _, _ = select.select(list(peers), [], [], 0.05)
                for sock in readable:
                    self.flowing.wait()
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            server.close()
