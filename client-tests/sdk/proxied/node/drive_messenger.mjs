// Drive metasim with the real, unmodified messaging-api-messenger SDK.
//
// Run by client-tests/tests/sdk_messenger.rs after `npm ci` in this folder.
// Every step prints one JSON line, {"step": ..., "result": ...}, with what the
// SDK returned; an exception (the SDK throws on Meta's error envelope) ends
// the script with a non-zero status.
//
// The SDK takes an `origin` option for the Graph host; it calls its default
// version (v6.0, served by metasim as the oldest usable one, as Meta does)
// and signs every call with appsecret_proof.
//
// Environment:
//   METASIM_URL   metasim's base URL, e.g. http://127.0.0.1:4000
//   PAGE_TOKEN    the Page's access token (from /me/accounts)
//   APP_SECRET    the app's secret (the SDK adds appsecret_proof)
//   PSID          the page-scoped id of a person who wrote to the Page

import messenger from "messaging-api-messenger"; // CommonJS: no named exports

const { MessengerClient } = messenger;

const client = new MessengerClient({
  accessToken: process.env.PAGE_TOKEN,
  appSecret: process.env.APP_SECRET,
  origin: process.env.METASIM_URL,
});
const psid = process.env.PSID;

async function step(name, run) {
  const result = await run();
  console.log(JSON.stringify({ step: name, result: result ?? null }));
}

await step("send_text", () => client.sendText(psid, "Hello from messaging-api-messenger"));
await step("send_image", () => client.sendImage(psid, "https://luckyshrub.example/fern.jpg"));
await step("send_quick_replies", () =>
  client.sendText(psid, "Pot size?", {
    quickReplies: [
      { contentType: "text", title: "Small", payload: "POT_S" },
      { contentType: "text", title: "Large", payload: "POT_L" },
    ],
  }),
);
await step("send_button_template", () =>
  client.sendButtonTemplate(psid, "Which fern?", [
    { type: "postback", title: "Boston fern", payload: "FERN_BOSTON" },
    { type: "web_url", title: "Catalogue", url: "https://luckyshrub.example/ferns" },
  ]),
);
await step("typing_on", () => client.typingOn(psid));
await step("mark_seen", () => client.markSeen(psid));
await step("get_user_profile", () => client.getUserProfile(psid));
await step("set_greeting", () => client.setGreeting("Welcome to Lucky Shrub!"));
await step("get_greeting", () => client.getGreeting());
