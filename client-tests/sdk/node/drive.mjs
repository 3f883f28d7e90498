// Drive metasim with the real, unmodified whatsapp-api-js SDK.
//
// Run by client-tests/tests/sdk_whatsapp_api_js.rs after `npm ci` in this
// folder. Every step prints one JSON line, {"step": ..., "result": ...}, with
// what the SDK returned; an exception, or an answer carrying Meta's `error`
// envelope (the SDK hands those back instead of throwing), ends the script with
// a non-zero status.
//
// whatsapp-api-js always calls https://graph.facebook.com/{v}/...; its
// documented way to change how requests travel is `ponyfill.fetch`, so the
// script gives it a fetch that sends graph.facebook.com requests to metasim
// instead, the way a forward proxy would. The SDK itself is untouched.
//
// Environment:
//   METASIM_URL          metasim's base URL, e.g. http://127.0.0.1:4000
//   METASIM_TOKEN        an access token that messages from the number
//   METASIM_PHONE_ID     the business phone number id that sends
//   METASIM_WABA_ID      the WABA that owns it (reported only: no SDK call takes it)
//   METASIM_CONSUMER     the consumer's number (its wa_id)
//   METASIM_INBOUND_ID   the wamid of a message the consumer sent (to react to and read)
//   METASIM_PNG          a small PNG file to upload
//   METASIM_API_VERSION  the Graph API version, e.g. v23.0 (default v23.0)

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

import { WhatsAppAPI } from "whatsapp-api-js";
import {
  ActionButtons,
  Body,
  BodyComponent,
  BodyParameter,
  Button,
  Image,
  Interactive,
  Language,
  Reaction,
  Template,
  Text,
} from "whatsapp-api-js/messages";

const GRAPH_HOST = "graph.facebook.com";

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** A fetch that sends graph.facebook.com requests to metasim; others go as they are. */
function metasimFetch(baseUrl) {
  const target = new URL(baseUrl);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.hostname === GRAPH_HOST) {
      url.protocol = target.protocol;
      url.host = target.host;
    }
    return fetch(url, init);
  };
}

function report(step, result) {
  console.log(JSON.stringify({ step, result }));
}

/** The SDK's parsed answer, or an exception when it is Meta's error envelope. */
function checked(step, answer) {
  if (answer && typeof answer === "object" && "error" in answer) {
    throw new Error(`${step}: ${JSON.stringify(answer)}`);
  }
  report(step, answer);
  return answer;
}

async function messaging(api, phone, consumer, inboundId) {
  checked("send_text", await api.sendMessage(phone, consumer, new Text("Hello from whatsapp-api-js")));
  checked(
    "send_template",
    await api.sendMessage(
      phone,
      consumer,
      new Template(
        "order_update",
        new Language("en_US"),
        new BodyComponent(new BodyParameter("Alice"), new BodyParameter("B-2077")),
      ),
    ),
  );
  checked(
    "send_image_link",
    await api.sendMessage(
      phone,
      consumer,
      new Image("https://luckyshrub.example/cactus.png", false, "Your cactus"),
    ),
  );
  checked(
    "send_buttons",
    await api.sendMessage(
      phone,
      consumer,
      new Interactive(
        new ActionButtons(new Button("keep", "Keep"), new Button("change", "Change")),
        new Body("Keep the delivery slot?"),
      ),
    ),
  );
  checked("send_reaction", await api.sendMessage(phone, consumer, new Reaction(inboundId, "\u{1F44D}")));
  checked("mark_as_read", await api.markAsRead(phone, inboundId));
}

async function media(api, phone, pngPath) {
  const bytes = await readFile(pngPath);
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "image/png" }), basename(pngPath));
  const uploaded = checked("upload_media", await api.uploadMedia(phone, form));
  const described = checked("retrieve_media", await api.retrieveMedia(uploaded.id, phone));
  const download = await api.fetchMedia(described.url);
  if (!download.ok) throw new Error(`fetch_media: HTTP ${download.status}`);
  const data = Buffer.from(await download.arrayBuffer());
  report("fetch_media", {
    status: download.status,
    content_type: download.headers.get("content-type"),
    size: data.length,
    sha256: createHash("sha256").update(data).digest("hex"),
  });
  checked("delete_media", await api.deleteMedia(uploaded.id, phone));
}

async function main() {
  const api = new WhatsAppAPI({
    token: env("METASIM_TOKEN"),
    v: process.env.METASIM_API_VERSION || "v23.0",
    secure: false,
    ponyfill: { fetch: metasimFetch(env("METASIM_URL")) },
  });
  const phone = env("METASIM_PHONE_ID");
  report("setup", { phone_id: phone, waba_id: env("METASIM_WABA_ID"), v: api.v });
  await messaging(api, phone, env("METASIM_CONSUMER"), env("METASIM_INBOUND_ID"));
  await media(api, phone, env("METASIM_PNG"));
}

main().catch((error) => {
  console.error(`drive.mjs failed: ${error?.stack ?? error}`);
  process.exit(1);
});
