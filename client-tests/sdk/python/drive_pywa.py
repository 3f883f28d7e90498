"""Drive metasim with the real, unmodified pywa SDK.

Run by client-tests/tests/sdk_pywa.rs inside the venv that test creates. Every
step prints one JSON line, {"step": ..., "result": ...}, with what pywa parsed
from metasim's answer; any exception ends the script with a non-zero status.

pywa has no option for the Graph host: it always calls
https://graph.facebook.com/v{api_version}. Its documented way to change how
requests travel is the ``session`` argument (an ``httpx.Client``), so the
script hands it a client whose transport sends graph.facebook.com requests to
metasim instead, the way a forward proxy would; pywa itself is untouched.

Environment:
    METASIM_URL          metasim's base URL, e.g. http://127.0.0.1:4000
    METASIM_TOKEN        an access token that manages and messages the WABA
    METASIM_PHONE_ID     the business phone number id that sends
    METASIM_WABA_ID      the WABA that owns it
    METASIM_CONSUMER     the consumer's number (its wa_id)
    METASIM_INBOUND_ID   the wamid of a message the consumer sent (to react to and read)
    METASIM_PNG          a small PNG file to upload
    METASIM_NEW_PHONE_ID a number added to the WABA, not verified yet
    METASIM_NEW_PIN      the two-step PIN to register it with
    METASIM_SMS_URL      the control-plane SMS inbox of that number
    METASIM_CALLBACK_URL a receiver that answers the verification handshake
                         (the number's webhook callback override)
    METASIM_API_VERSION  the Graph API version pywa should use (default 23.0)
"""

import dataclasses
import datetime
import enum
import hashlib
import json
import os
import pathlib
import urllib.request

import httpx
from pywa import WhatsApp
from pywa.types import Button, Industry
from pywa.types.templates import BodyText, TemplateLanguage

GRAPH_HOST = "graph.facebook.com"


class MetasimTransport(httpx.BaseTransport):
    """Sends requests for graph.facebook.com to metasim; others go as they are."""

    def __init__(self, base_url: str):
        self._target = httpx.URL(base_url)
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == GRAPH_HOST:
            request.url = request.url.copy_with(
                scheme=self._target.scheme,
                host=self._target.host,
                port=self._target.port,
            )
            request.headers["Host"] = self._target.netloc.decode("ascii")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def plain(value):
    """A pywa result as JSON: public fields, enums as their values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if not field.name.startswith("_")
        }
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (datetime.datetime, pathlib.Path)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {k: plain(v) for k, v in vars(value).items() if not k.startswith("_")}


def report(step: str, result) -> None:
    print(json.dumps({"step": step, "result": plain(result)}), flush=True)


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"drive_pywa.py: set {name}")
    return value


def latest_code(sms_url: str) -> str:
    """The newest code in the number's SMS inbox (the control plane, not pywa)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(sms_url, timeout=10) as answer:
        inbox = json.load(answer)
    return inbox["data"][-1]["code"]


def messaging(wa: WhatsApp, consumer: str, inbound_id: str) -> None:
    report("send_text", wa.send_message(to=consumer, text="Hello from pywa"))
    report(
        "send_template",
        wa.send_template(
            to=consumer,
            name="order_update",
            language=TemplateLanguage.ENGLISH_US,
            params=[BodyText.params("Alice", "A-1042")],
        ),
    )
    report(
        "send_image_link",
        wa.send_image(
            to=consumer,
            image="https://luckyshrub.example/fern.png",
            caption="Your fern",
        ),
    )
    report(
        "send_buttons",
        wa.send_message(
            to=consumer,
            text="Keep the delivery slot?",
            buttons=[
                Button(title="Keep", callback_data="keep"),
                Button(title="Change", callback_data="change"),
            ],
        ),
    )
    report(
        "send_reaction",
        wa.send_reaction(to=consumer, emoji="\N{THUMBS UP SIGN}", message_id=inbound_id),
    )
    report("mark_as_read", wa.mark_message_as_read(message_id=inbound_id))


def media(wa: WhatsApp, png: pathlib.Path) -> None:
    uploaded = wa.upload_media(media=png, mime_type="image/png", filename=png.name)
    report("upload_media", uploaded)
    url = wa.get_media_url(media_id=uploaded.id)
    report("get_media_url", url)
    data = wa.get_media_bytes(url=url.url)
    report(
        "download_media",
        {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
    )
    report("delete_media", wa.delete_media(media_id=uploaded.id))


def profile(wa: WhatsApp) -> None:
    report("get_business_profile", wa.get_business_profile())
    report(
        "update_business_profile",
        wa.update_business_profile(
            about="Plants, pots and advice, from pywa.",
            websites=["https://luckyshrub.example/pywa"],
            industry=Industry.PROF_SERVICES,
        ),
    )
    report("get_business_profile_after", wa.get_business_profile())


def lifecycle(wa: WhatsApp, phone_id: str, pin: str, sms_url: str) -> None:
    report(
        "request_code",
        wa.request_verification_code(
            code_method="SMS", language_code="en", phone_id=phone_id
        ),
    )
    code = latest_code(sms_url)
    report("verify_code", wa.verify_phone_number(code=code, phone_id=phone_id))
    report("register", wa.register_phone_number(pin=pin, phone_id=phone_id))


def account(wa: WhatsApp, callback_url: str) -> None:
    report("get_business_account", wa.get_business_account())
    templates = wa.get_templates()
    report(
        "get_templates",
        {
            "names": [template.name for template in templates],
            "ttls": [template.message_send_ttl_seconds for template in templates],
            "total_count": templates.total_count,
            "message_template_count": templates.message_template_count,
            "message_template_limit": templates.message_template_limit,
            "are_translations_complete": templates.are_translations_complete,
        },
    )
    report(
        "override_phone_callback_url",
        wa.override_phone_callback_url(
            callback_url=callback_url, verify_token="pywa-number"
        ),
    )
    report("get_business_phone_number", wa.get_business_phone_number())
    report("delete_phone_callback_url", wa.delete_phone_callback_url())


def main() -> None:
    base_url = env("METASIM_URL")
    session = httpx.Client(
        transport=MetasimTransport(base_url), timeout=30, trust_env=False
    )
    wa = WhatsApp(
        phone_id=env("METASIM_PHONE_ID"),
        token=env("METASIM_TOKEN"),
        waba_id=env("METASIM_WABA_ID"),
        session=session,
        api_version=os.environ.get("METASIM_API_VERSION", "23.0"),
    )
    messaging(wa, env("METASIM_CONSUMER"), env("METASIM_INBOUND_ID"))
    media(wa, pathlib.Path(env("METASIM_PNG")))
    profile(wa)
    lifecycle(
        wa, env("METASIM_NEW_PHONE_ID"), env("METASIM_NEW_PIN"), env("METASIM_SMS_URL")
    )
    account(wa, env("METASIM_CALLBACK_URL"))
    session.close()


if __name__ == "__main__":
    main()
