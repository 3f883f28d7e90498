#!/usr/bin/env python3
"""keyword-bot: a small WhatsApp keyword bot, the kind of app `metasim run
--app-webhook` tests. Python 3 standard library only.

It serves one webhook endpoint (any path):
  GET   answers Meta's verification handshake (hub.mode=subscribe and the
        right hub.verify_token: echo hub.challenge; anything else: 403);
  POST  checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app
        secret; 403 when it does not match), answers 200 at once, then for each
        inbound text message calls the Graph API:
          "Help"  -> the approved template `help_menu` with the sender's name;
          "Promo" -> a text with this week's offer, as a reply to the message;
        other messages and statuses get no answer.

Configuration (flags, or the environment variables in brackets):
  --port          port to listen on, on 127.0.0.1 [PORT, default 9100]
  --graph-url     Graph base URL with the version, e.g. http://127.0.0.1:8080/v23.0
                  (metasim) or https://graph.facebook.com/v23.0 [GRAPH_URL]
  --token         access token that may send from the number [WHATSAPP_TOKEN]
  --app-secret    the app's secret, to check signatures [APP_SECRET]
  --verify-token  the verify token of the handshake [VERIFY_TOKEN, default metasim-verify]
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HELP_TEMPLATE = "help_menu"
OFFER = "This week only: 20% off all pots and planters with code SPRING20."


def log(message):
    print(f"keyword-bot: {message}", file=sys.stderr, flush=True)


def signature_ok(secret, body, header):
    """Meta signs the exact bytes: sha256=<hex HMAC-SHA256 with the app secret>."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):])


def replies(payload):
    """(phone_number_id, message body) for each inbound keyword in a webhook."""
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            if change.get("field") != "messages":
                continue
            value = change.get("value", {})
            phone_number_id = value.get("metadata", {}).get("phone_number_id")
            names = {c.get("wa_id") or c.get("user_id"): c.get("profile", {}).get("name", "there")
                     for c in value.get("contacts", [])}
            for message in value.get("messages", []):
                if message.get("type") != "text":
                    continue
                keyword = message["text"].get("body", "").strip().lower()
                sender = message.get("from") or message.get("from_user_id")
                # Without a phone number (a BSUID only), Meta takes `recipient`.
                address = {"to": message["from"]} if message.get("from") else {"recipient": sender}
                if keyword == "help":
                    yield phone_number_id, dict(address, messaging_product="whatsapp", type="template", template={
                        "name": HELP_TEMPLATE,
                        "language": {"code": "en_US"},
                        "components": [{"type": "body", "parameters": [
                            {"type": "text", "text": names.get(sender, "there")}]}],
                    })
                elif keyword == "promo":
                    yield phone_number_id, dict(address, messaging_product="whatsapp", type="text",
                                                context={"message_id": message["id"]}, text={"body": OFFER})


class Bot(BaseHTTPRequestHandler):
    config = None

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        mode = query.get("hub.mode", [""])[0]
        token = query.get("hub.verify_token", [""])[0]
        challenge = query.get("hub.challenge", [""])[0]
        if mode == "subscribe" and token == self.config.verify_token:
            log("handshake answered")
            self.answer(200, challenge)
        else:
            log(f"handshake refused (verify token {token!r})")
            self.answer(403, "wrong verify token")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not signature_ok(self.config.app_secret, body, self.headers.get("X-Hub-Signature-256")):
            log("refused a webhook with a bad signature")
            self.answer(403, "bad signature")
            return
        self.answer(200, "EVENT_RECEIVED")
        try:
            payload = json.loads(body)
        except ValueError:
            log("a webhook that is not JSON")
            return
        for phone_number_id, message in replies(payload):
            self.send_message(phone_number_id, message)

    def answer(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def send_message(self, phone_number_id, message):
        request = urllib.request.Request(
            f"{self.config.graph_url.rstrip('/')}/{phone_number_id}/messages",
            data=json.dumps(message).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.config.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                log(f"sent {message['type']}: {response.status} {response.read().decode()}")
        except urllib.error.HTTPError as error:
            log(f"Graph API refused the {message['type']}: {error.code} {error.read().decode()}")
        except OSError as error:
            log(f"cannot reach the Graph API: {error}")


def main():
    parser = argparse.ArgumentParser(description="A WhatsApp keyword bot (Help, Promo).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "9100")))
    parser.add_argument("--graph-url", default=os.environ.get("GRAPH_URL"))
    parser.add_argument("--token", default=os.environ.get("WHATSAPP_TOKEN"))
    parser.add_argument("--app-secret", default=os.environ.get("APP_SECRET"))
    parser.add_argument("--verify-token", default=os.environ.get("VERIFY_TOKEN", "metasim-verify"))
    config = parser.parse_args()
    missing = [flag for flag in ("graph_url", "token", "app_secret") if not getattr(config, flag)]
    if missing:
        parser.error("missing " + ", ".join("--" + flag.replace("_", "-") for flag in missing))
    Bot.config = config
    server = ThreadingHTTPServer(("127.0.0.1", config.port), Bot)
    log(f"listening on http://127.0.0.1:{server.server_address[1]}/webhook, Graph API at {config.graph_url}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
