"""Receive metasim's webhooks with the real, unmodified pywa SDK.

Run by client-tests/tests/sdk_pywa_webhooks.rs inside the venv the SDK tests
create. pywa is built with ``server=None`` and its signature check on
(``validate_updates=True`` with the app secret); a small stdlib HTTP server
hands every request to pywa's documented hooks for a custom server, exactly
as pywa's own Flask and FastAPI integrations do:

- ``GET``: ``wa.webhook_challenge_handler(vt=hub.verify_token, ch=hub.challenge)``
  and its (body, status) becomes the answer — Meta's verification handshake;
- ``POST``: ``wa.webhook_update_validator(raw_body, X-Hub-Signature-256)``
  rejects a bad signature; otherwise ``wa.webhook_update_handler(raw_body)``
  parses the update and calls the registered handlers.

stdout is one JSON line per event, flushed at once: first
``{"event": "listening", "port": N}``, then one line per request
(``challenge`` / ``post`` with the status pywa chose), one per update a
handler received (``message``, ``callback_button``, ``status``), one per raw
update (``raw``, what pywa saw before parsing), and one per warning or error
pywa logged (``log``) — so a payload pywa could not parse shows up as a
``log`` line and a missing handler line.

Environment:
    METASIM_PHONE_ID      the business phone number id (pywa filters on it)
    METASIM_WABA_ID       the WABA that owns it (pywa filters on it)
    METASIM_APP_SECRET    the app secret pywa checks signatures with
    METASIM_VERIFY_TOKEN  the verify token of the subscription
    METASIM_TOKEN         an access token (pywa needs one; no request is made)
"""

import http.server
import json
import logging
import os
import threading
import urllib.parse

from pywa import WhatsApp, utils
from pywa.types import CallbackButton, Message, MessageStatus, RawUpdate

_print_lock = threading.Lock()


def emit(event: str, **fields) -> None:
    with _print_lock:
        print(json.dumps({"event": event, **fields}), flush=True)


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"receive_pywa.py: set {name}")
    return value


def user(u) -> dict:
    return {
        "bsuid": u.bsuid,
        "wa_id": u.wa_id,
        "name": u.name,
        "username": u.username,
    }


def enum_value(value):
    return getattr(value, "value", value)


class PywaLogs(logging.Handler):
    """pywa's warnings and errors (a rejected signature, an update it could
    not construct, a handler that raised) as ``log`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f": {record.exc_info[0].__name__}: {record.exc_info[1]}"
        emit("log", level=record.levelname, logger=record.name, message=message)


def build_client() -> WhatsApp:
    wa = WhatsApp(
        phone_id=env("METASIM_PHONE_ID"),
        waba_id=env("METASIM_WABA_ID"),
        token=env("METASIM_TOKEN"),
        server=None,
        verify_token=env("METASIM_VERIFY_TOKEN"),
        app_secret=env("METASIM_APP_SECRET"),
        validate_updates=True,
        filter_updates=True,
    )

    @wa.on_message()
    def on_message(_: WhatsApp, msg: Message) -> None:
        emit(
            "message",
            id=msg.id,
            type=enum_value(msg.type),
            text=msg.text,
            from_user=user(msg.from_user),
            waba_id=msg.waba_id,
            phone_number_id=msg.metadata.phone_number_id,
            display_phone_number=msg.metadata.display_phone_number,
            timestamp=int(msg.timestamp.timestamp()),
        )

    @wa.on_callback_button()
    def on_callback_button(_: WhatsApp, btn: CallbackButton) -> None:
        emit(
            "callback_button",
            id=btn.id,
            type=enum_value(btn.type),
            data=btn.data,
            title=btn.title,
            is_quick_reply=btn.is_quick_reply,
            reply_to=None if btn.reply_to_message is None else btn.reply_to_message.id,
            from_user=user(btn.from_user),
            waba_id=btn.waba_id,
            phone_number_id=btn.metadata.phone_number_id,
            timestamp=int(btn.timestamp.timestamp()),
        )

    @wa.on_message_status()
    def on_message_status(_: WhatsApp, status: MessageStatus) -> None:
        pricing = status.pricing
        emit(
            "status",
            id=status.id,
            status=enum_value(status.status),
            from_user=user(status.from_user),
            waba_id=status.waba_id,
            phone_number_id=status.metadata.phone_number_id,
            timestamp=int(status.timestamp.timestamp()),
            pricing=None
            if pricing is None
            else {
                "billable": pricing.billable,
                "model": enum_value(pricing.model),
                "type": enum_value(pricing.type),
                "category": enum_value(pricing.category),
            },
            tracker=status.tracker,
            error=None if status.error is None else str(status.error),
        )

    @wa.on_raw_update()
    def on_raw_update(_: WhatsApp, update: RawUpdate) -> None:
        emit("raw", field=update.field, id=update.id, keys=sorted(update.value))

    return wa


def handler_class(wa: WhatsApp):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, body: str | None, status: int) -> None:
            data = (body or "").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            first = lambda key: query.get(key, [None])[0]  # noqa: E731
            body, status = wa.webhook_challenge_handler(
                vt=first(utils.HUB_VT), ch=first(utils.HUB_CH)
            )
            emit("challenge", mode=first("hub.mode"), status=status)
            self.answer(body, status)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            rejected = wa.webhook_update_validator(
                update=raw, hmac_header=self.headers.get(utils.HUB_SIG)
            )
            if rejected:
                body, status = rejected
            else:
                body, status = wa.webhook_update_handler(update=raw)
            emit("post", status=status, answer=body, bytes=len(raw))
            self.answer(body, status)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass  # keep stdout for JSON lines

    return Handler


def main() -> None:
    logs = PywaLogs(level=logging.WARNING)
    pywa_logger = logging.getLogger("pywa")
    pywa_logger.addHandler(logs)
    pywa_logger.setLevel(logging.WARNING)

    wa = build_client()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class(wa))
    server.daemon_threads = True
    emit("listening", port=server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
