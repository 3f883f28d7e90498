// Drive metasim with Meta's own Node SDK (`whatsapp` 0.0.5-Alpha, the
// WhatsApp-Nodejs-SDK; the registry's 1.0.0 is an empty placeholder by
// someone else), unmodified, through metasim's HTTPS proxy.
//
// The SDK calls https://graph.facebook.com on port 443 with Node's `https`
// module and its own keep-alive agent; Node ignores HTTPS_PROXY, so
// client-tests/tests/sdk_proxied.rs runs this script with the variables
// `metasim serve --https` prints, including NODE_OPTIONS="--require
// global-agent/bootstrap", the standard preload that routes `https` through
// a proxy. NODE_ENV=production keeps the SDK from loading `dotenv`, a
// development dependency it does not install.
//
// Environment (besides the proxy's): the SDK's own WA_PHONE_NUMBER_ID,
// CLOUD_API_ACCESS_TOKEN, CLOUD_API_VERSION, and WA_TO (the consumer's number).
// Every step prints one JSON line, {"step": ..., "result": ...}.

const WhatsApp = require("whatsapp");

function report(step, result) {
  console.log(JSON.stringify({ step, result }));
}

async function main() {
  const wa = new WhatsApp();
  const to = Number(process.env.WA_TO);
  const text = await wa.messages.text({ body: "Hello from Meta's Node SDK" }, to);
  report("send_text", { status: text.statusCode(), body: await text.responseBodyToJSON() });
  const template = await wa.messages.template(
    {
      name: "order_update",
      language: { code: "en_US", policy: "deterministic" },
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", text: "Alice" },
            { type: "text", text: "N-2020" },
          ],
        },
      ],
    },
    to,
  );
  report("send_template", {
    status: template.statusCode(),
    body: await template.responseBodyToJSON(),
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
