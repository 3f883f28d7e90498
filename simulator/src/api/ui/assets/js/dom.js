// Small DOM helpers: an element builder that never parses HTML (every text
// from the sandbox goes in as text), time formats on the sandbox's UTC
// clock, toasts, copy buttons, JSON blocks, badges and a confirm dialog.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * Replace an element's children with a fresh rendering, keeping what the
 * person was typing: values of named inputs, and the focus, carry over.
 */
export function refill(el, ...children) {
  const typed = new Map([...el.querySelectorAll('input[name], select[name], textarea[name]')]
    .map((input) => [input.name, input.value]));
  const focused = el.contains(document.activeElement) ? document.activeElement.name : null;
  fill(el, ...children);
  for (const input of el.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (typed.has(input.name) && input.type !== 'file') input.value = typed.get(input.name);
    if (focused && input.name === focused) input.focus();
  }
  return el;
}

const full = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const short = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });
const stamp = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** `Thu, 1 Jan 2026, 00:00:00 UTC` */
export const when = (unix) => `${full.format(new Date(unix * 1000))} UTC`;
/** `09:30` */
export const hhmm = (unix) => short.format(new Date(unix * 1000));
/** `1 Jan, 09:30:00` */
export const at = (unix) => stamp.format(new Date(unix * 1000));

/** `2 d 3 h`, `15 s`: a duration in seconds, its two largest units. */
export function span(seconds) {
  const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
  const parts = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [name, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${name}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join(' ') : '0 s';
}

export function toast(message, kind = 'info') {
  const el = h('div', { class: `toast ${kind}` }, message);
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

/** Run an action; report its failure as a toast. */
export async function attempt(action, done) {
  try {
    const result = await action();
    if (done) toast(done);
    return result;
  } catch (error) {
    toast(error.message, 'error');
    return undefined;
  }
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = h('textarea', { 'aria-hidden': 'true' }, text);
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function copyButton(text, what) {
  return h('button', {
    class: 'copy small', type: 'button', 'aria-label': `Copy ${what}`,
    onclick: () => attempt(() => copyText(text), `Copied ${what}`),
  }, 'Copy');
}

/** A list of names and values: `pairs` are `[name, ...value]`. */
export function kv(pairs, columns = false) {
  return h('dl', { class: columns ? 'kv cols' : 'kv' },
    pairs.map(([name, ...value]) => h('div', null, h('dt', null, name), h('dd', null, value))));
}

export function jsonBlock(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}` }, text);
}

/** A badge for an HTTP status. */
export function statusBadge(status) {
  const kind = status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok';
  return badge(String(status), kind);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** The attributes of a table row that can be picked by click, Enter or Space. */
export function pickable(selected, pick) {
  return {
    class: 'pick', tabindex: '0', 'aria-selected': String(selected),
    onclick: pick,
    onkeydown: (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        pick();
      }
    },
  };
}

/** A phone's composer: `input`'s text, sent with Enter or ➤, goes to `send(text)`; `before` sits ahead of the field. */
export function composerForm(input, send, ...before) {
  return h('form', {
    class: 'composer',
    onsubmit: (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      send(text);
    },
  }, before, input, h('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, '➤'));
}

/** A heading row for a view: title, a line of explanation, actions. */
export function viewHead(title, intro, ...actions) {
  return h('div', { class: 'view-head' },
    h('div', null, h('h1', null, title), intro ? h('p', { class: 'muted' }, intro) : null),
    h('div', { class: 'row' }, actions));
}

/** Ask before something that cannot be undone; resolves true to go ahead. */
export function confirmDialog(question, action) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-label': question },
      h('p', null, question),
      h('form', { method: 'dialog', class: 'row' },
        h('button', { value: 'cancel' }, 'Cancel'),
        h('button', { value: 'ok', class: 'danger' }, action)));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Call `fn` once in the next animation frame, however often this is called before. */
export function onFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

/**
 * `run()` calls `work` now — or, while it runs and for `ms` after, once more
 * later: calls in between coalesce, and never overlap. `run.stop()` ends it
 * (a view that is gone asks for nothing more). A failure shows as a toast.
 */
export function coalesce(work, ms = 250) {
  let busy = false;
  let again = false;
  let stopped = false;
  let timer = null;
  const run = async () => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await work();
    } catch (error) {
      if (!stopped) toast(error.message, 'error');
    }
    timer = setTimeout(() => {
      busy = false;
      if (again) {
        again = false;
        run();
      }
    }, ms);
  };
  run.stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return run;
}
