// metasim for Node's test runner (`node --test`), with no dependencies.
//
// `startMetasim()` runs `metasim serve --port 0 --quiet` (the binary from
// $METASIM_BIN, else `metasim` on the PATH) and resolves once its ready line
// names the address. `useMetasim()` registers `before`/`after` hooks that start
// one server for the test file and stop it; its `sandbox(t)` creates a sandbox
// for test `t` (`POST /_sim/sandboxes`) and deletes it when `t` ends.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before } from "node:test";

export const GRAPH_VERSION = "v23.0";
const READY_PREFIX = "metasim ready at ";
const START_TIMEOUT_MS = 30_000;

/** metasim could not be started, or its control plane refused a call. */
export class MetasimError extends Error {}

function binary() {
  return process.env.METASIM_BIN || "metasim";
}

/** A running `metasim serve`. */
export class MetasimServer {
  constructor(child, baseUrl) {
    this.child = child;
    this.baseUrl = baseUrl;
    this.created = 0;
  }

  /** A control-plane call: the parsed JSON answer, or a MetasimError with Meta's message. */
  async call(method, path, body) {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new MetasimError(`${method} ${path}: HTTP ${response.status}: ${text}`);
    }
    return text ? JSON.parse(text) : null;
  }

  /** `POST /_sim/sandboxes` with `options` (id, seed, fixture, delivery, clock, …). */
  async createSandbox(options = {}) {
    const info = await this.call("POST", "/_sim/sandboxes", options);
    return new Sandbox(this, info);
  }

  async deleteSandbox(id) {
    await this.call("DELETE", `/_sim/sandboxes/${id}`);
  }

  /** A sandbox for test `t`, named after it, deleted when `t` ends. */
  async sandbox(t, options = {}) {
    this.created += 1;
    const suffix = `-${this.created}`;
    const safe = (t.name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "test")
      .slice(0, 64 - suffix.length);
    const sandbox = await this.createSandbox({ id: safe + suffix, ...options });
    t.after(() => this.deleteSandbox(sandbox.id));
    return sandbox;
  }

  /** Stop the process (SIGTERM) and wait for it. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** One isolated tenant: what a test needs to point an SDK at it. */
export class Sandbox {
  constructor(server, info) {
    this.server = server;
    this.id = info.id;
    this.seed = info.seed;
    this.handles = info.handles;
    this.tokens = info.tokens;
    this.appSecrets = info.app_secrets;
    this.baseUrl = server.baseUrl;
    this.graphUrl = `${server.baseUrl}/${GRAPH_VERSION}`;
    this.controlUrl = `${server.baseUrl}/_sim/sandboxes/${info.id}`;
  }

  /** Call this sandbox's control plane (`path` like `/clock/advance`). */
  sim(method, path, body) {
    return this.server.call(method, `/_sim/sandboxes/${this.id}${path}`, body);
  }
}

/** Start `metasim serve` on a free port; resolves when it is ready. */
export function startMetasim(extraArgs = []) {
  const child = spawn(binary(), ["serve", "--port", "0", "--quiet", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new MetasimError(`metasim did not start within ${START_TIMEOUT_MS} ms: ${errors}`));
    }, START_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new MetasimError(
          `cannot run ${binary()} (${error.code}): install it with \`cargo install --path simulator\` or set METASIM_BIN`,
        ),
      );
    });
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      clearTimeout(timer);
      lines.close();
      child.stdout.resume();
      if (line.startsWith(READY_PREFIX)) {
        resolve(new MetasimServer(child, line.slice(READY_PREFIX.length).trim()));
      } else {
        child.kill("SIGKILL");
        reject(new MetasimError(`metasim did not start: ${line} ${errors}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new MetasimError(`metasim exited (${code}) before it was ready: ${errors}`));
    });
  });
}

/**
 * Register hooks that start one metasim for this test file and stop it after.
 * Returns a handle whose `sandbox(t, options)` gives test `t` its own sandbox
 * and whose `server` is the running server (after the `before` hook).
 */
export function useMetasim(extraArgs = []) {
  const handle = {
    server: null,
    sandbox(t, options) {
      if (!handle.server) throw new MetasimError("metasim is not started: call useMetasim() at the top level of the test file");
      return handle.server.sandbox(t, options);
    },
  };
  before(async () => {
    handle.server = await startMetasim(extraArgs);
  });
  after(async () => {
    await handle.server?.stop();
  });
  return handle;
}
