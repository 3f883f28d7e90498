// The control plane over fetch: JSON in and out, Meta's error envelope
// turned into an Error whose message is Meta's. The dashboard calls nothing
// but documented /_sim routes (docs/control-plane.md).

export class ApiError extends Error {
  constructor(status, body, text) {
    super(body?.error?.message || text || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, body, raw = false) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json, text);
  return raw ? text : json;
}

/** Every item of a paged list: `{data}` gathered from each `paging.next`. */
async function list(path) {
  const data = [];
  for (let next = path; next;) {
    const page = await call('GET', next);
    data.push(...page.data);
    next = page.paging?.next;
  }
  return { data };
}

export const api = {
  get: (path) => call('GET', path),
  list,
  text: (path) => call('GET', path, undefined, true),
  post: (path, body = {}) => call('POST', path, body),
  put: (path, body = {}) => call('PUT', path, body),
  del: (path) => call('DELETE', path),
};

/** The control-plane path of a sandbox: `/_sim/sandboxes/{sid}{rest}`. */
export function sim(sid, rest = '') {
  return `/_sim/sandboxes/${encodeURIComponent(sid)}${rest}`;
}
