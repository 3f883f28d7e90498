"""A minimal webhook receiver for trying metasim by hand.

Answers Meta's verification handshake (GET with hub.challenge), checks the
X-Hub-Signature-256 of every POST with the app secret, and prints each body.

    python3 examples/print_receiver.py 9000 my-token <app-secret>
"""
import hashlib
import hmac
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

PORT, VERIFY_TOKEN, APP_SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()


class Receiver(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        ok = query.get("hub.verify_token") == [VERIFY_TOKEN]
        self.send_response(200 if ok else 403)
        self.end_headers()
        if ok:
            self.wfile.write(query["hub.challenge"][0].encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(APP_SECRET, body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-Hub-Signature-256", ""))
        print(("signature OK  " if valid else "BAD SIGNATURE ") + body.decode(), flush=True)
        self.send_response(200 if valid else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
