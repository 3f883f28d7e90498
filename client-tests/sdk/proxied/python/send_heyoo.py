"""Drive metasim with the real, unmodified heyoo SDK through its HTTPS proxy.

heyoo hard-codes https://graph.facebook.com/v14.0 and has no option for the
host. Nothing here points it at metasim: client-tests/tests/sdk_proxied.rs
runs this script with only the variables `metasim serve --https` prints
(HTTPS_PROXY, REQUESTS_CA_BUNDLE, ...), so requests' own proxy support
carries the calls to metasim. Every step prints one JSON line,
{"step": ..., "result": ...}; an error answer ends the script non-zero.

Environment (besides the proxy's):
    WA_TOKEN            an access token that messages from the number
    WA_PHONE_NUMBER_ID  the business phone number id that sends
    WA_TO               the consumer's number
    WA_READ_ID          the wamid of a message the consumer sent
"""

import json
import os

from heyoo import WhatsApp


def report(step, result):
    if not isinstance(result, dict) or "error" in result:
        raise SystemExit(f"{step}: {result!r}")
    print(json.dumps({"step": step, "result": result}), flush=True)


messenger = WhatsApp(os.environ["WA_TOKEN"], phone_number_id=os.environ["WA_PHONE_NUMBER_ID"])
to = os.environ["WA_TO"]
report("send_text", messenger.send_message("Hello from heyoo", to))
report(
    "send_template",
    messenger.send_template(
        "order_update",
        to,
        components=[
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Alice"},
                    {"type": "text", "text": "H-1414"},
                ],
            }
        ],
    ),
)
report("mark_as_read", messenger.mark_as_read(os.environ["WA_READ_ID"]))
