// metasim-test's hooks and sandboxes against the real metasim binary ($METASIM_BIN).

import assert from "node:assert/strict";
import { test } from "node:test";

import { MetasimError, useMetasim } from "../index.js";

const sim = useMetasim();

async function graph(sandbox, method, path, body, token = "system_user_token") {
  const response = await fetch(sandbox.graphUrl + path, {
    method,
    headers: { authorization: `Bearer ${sandbox.tokens[token]}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

let previous;

test("each test gets a fresh sandbox named after it", async (t) => {
  const sandbox = await sim.sandbox(t);
  assert.match(sandbox.id, /^each-test-gets-a-fresh-sandbox-named-after-it-\d+$/);
  const me = await graph(sandbox, "GET", "/me");
  assert.equal(me.status, 200);
  assert.equal(me.body.id, sandbox.handles.system_user);
  const sent = await graph(sandbox, "POST", `/${sandbox.handles.phone_number}/messages`, {
    messaging_product: "whatsapp",
    to: sandbox.handles.alice,
    type: "text",
    text: { body: "Hi from node --test" },
  });
  assert.equal(sent.status, 200);
  assert.match(sent.body.messages[0].id, /^wamid\./);
  assert.equal((await sandbox.sim("GET", "/journal")).data.length, 2);
  previous = sandbox;
});

test("the previous test's sandbox is deleted and this one starts empty", async (t) => {
  await assert.rejects(sim.server.call("GET", `/_sim/sandboxes/${previous.id}`), /HTTP 404/);
  const sandbox = await sim.sandbox(t);
  assert.deepEqual((await sandbox.sim("GET", "/journal")).data, []);
});

test("options reach POST /_sim/sandboxes", async (t) => {
  const sandbox = await sim.sandbox(t, { seed: 7, delivery: "auto" });
  assert.equal(sandbox.seed, 7);
  assert.equal((await sandbox.sim("GET", "")).options.delivery, "auto");
});

test("a token of one sandbox does not reach another", async (t) => {
  const mine = await sim.sandbox(t);
  const other = await sim.sandbox(t, { seed: 99 });
  const answer = await graph(
    { ...mine, tokens: other.tokens, graphUrl: mine.graphUrl },
    "GET",
    `/${mine.handles.waba}`,
  );
  assert.equal(answer.body.error.code, 100);
});

test("bad options are reported with metasim's message", async () => {
  await assert.rejects(sim.server.createSandbox({ id: "not valid!" }), (error) => {
    assert.ok(error instanceof MetasimError);
    assert.match(error.message, /id: use 1 to 64 letters/);
    return true;
  });
});
