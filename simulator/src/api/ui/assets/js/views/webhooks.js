// Webhook deliveries, live: each with its state, attempts and next attempt;
// pick one for the exact payload, both signatures, every attempt and where
// it stands in the retry schedule. "Deliver now" sends what is due
// (POST …/webhooks/deliver).

import { api, sim } from '../api.js';
import { at, attempt, badge, copyButton, empty, fill, h, jsonBlock, kv, onFrame, pickable, span, toast, viewHead } from '../dom.js';

const STATE = { pending: 'warn', delivered: 'ok', given_up: 'bad' };

function parsed(body) {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** What a delivery carries, in a few words: `text “Help”`, `status delivered`. */
function carries(delivery) {
  const body = parsed(delivery.body);
  const what = [];
  for (const entry of body?.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const value = change.value ?? {};
      for (const message of value.messages ?? []) {
        const text = message.text?.body ?? message.button?.text ?? message.interactive?.button_reply?.title
          ?? message.interactive?.list_reply?.title;
        what.push(text === undefined ? message.type : `${message.type} “${text}”`);
      }
      for (const status of value.statuses ?? []) what.push(`status ${status.status}`);
      if (value.event) what.push(`${value.message_template_name} ${value.event}`);
    }
    for (const messaging of entry.messaging ?? []) what.push(messagingCarries(messaging));
  }
  return what.join(', ');
}

/** A Messenger or Instagram entry: `message “Small” quick reply POT_S`, `postback FERN`, `read`. */
function messagingCarries(messaging) {
  const { message, postback } = messaging;
  if (message) {
    const quick = message.quick_reply ? ` quick reply ${message.quick_reply.payload}` : '';
    return `message${message.text === undefined ? '' : ` “${message.text}”`}${quick}`;
  }
  if (postback) return `postback ${postback.payload}`;
  return Object.keys(messaging).filter((k) => !['sender', 'recipient', 'timestamp'].includes(k)).join(' ');
}

function outcome(attempt) {
  return attempt.status !== undefined ? `HTTP ${attempt.status}` : attempt.error;
}

function schedule(delivery, now) {
  const lines = [h('li', null, `First due ${at(delivery.first_due_at)} UTC`)];
  if (delivery.state === 'pending' && delivery.next_attempt_at !== undefined) {
    const wait = delivery.next_attempt_at - now;
    lines.push(h('li', null, `Next attempt ${at(delivery.next_attempt_at)} UTC`,
      wait > 0 ? ` (in ${span(wait)} of sandbox time)` : ' (due now)'));
  }
  if (delivery.state === 'delivered') {
    const last = delivery.attempts[delivery.attempts.length - 1];
    if (last) lines.push(h('li', null, `Delivered at attempt ${last.number}, ${at(last.time)} UTC`));
  }
  if (delivery.state === 'given_up') lines.push(h('li', null, 'Given up: every attempt of the schedule failed'));
  return [
    h('h3', null, 'Retry schedule'),
    h('ul', null, lines),
    h('p', { class: 'muted' }, 'Failed attempts are retried on the sandbox clock at +15 s, +1 min, +5 min, +15 min, +1 h, +3 h, +6 h, +12 h, then daily: for 7 days for WhatsApp, 36 hours for other objects. Advance the clock to bring them due.'),
  ];
}

function detail(delivery, now) {
  if (!delivery) return empty('Pick a delivery to see its payload and attempts.');
  return [
    h('h2', null, `Delivery ${delivery.id} `, badge(delivery.state.replace('_', ' '), STATE[delivery.state])),
    h('p', { class: 'mono' }, `POST ${delivery.url}`),
    delivery.duplicate_of ? h('p', { class: 'muted' }, `Duplicate of delivery ${delivery.duplicate_of}`) : null,
    kv([
      ['X-Hub-Signature-256', h('span', { class: 'mono' }, delivery.signature_256), copyButton(delivery.signature_256, 'the signature')],
      ['X-Hub-Signature', h('span', { class: 'mono' }, delivery.signature_1)],
    ]),
    h('h3', null, 'Attempts'),
    delivery.attempts.length
      ? h('table', null, h('thead', null, h('tr', null, ['#', 'Time (UTC)', 'Outcome', 'Took'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, delivery.attempts.map((a) => h('tr', null,
          h('td', null, a.number), h('td', null, at(a.time)),
          h('td', null, badge(outcome(a), a.status >= 200 && a.status < 300 ? 'ok' : 'bad')),
          h('td', null, `${a.latency_ms} ms`)))))
      : h('p', { class: 'muted' }, 'Not attempted yet.'),
    schedule(delivery, now),
    h('h3', null, 'Payload'),
    delivery.truncated ? h('p', { class: 'muted' }, 'Too large for the stream: read it from GET …/webhooks/deliveries.') : jsonBlock(parsed(delivery.body)),
  ];
}

export default {
  mount(root, session) {
    let selected = null;
    const rows = h('tbody');
    const side = h('section', { class: 'panel', 'aria-label': 'Delivery' });
    const mode = h('span', { class: 'muted' });
    const deliver = async () => {
      const report = await attempt(() => api.post(sim(session.sid, '/webhooks/deliver')));
      if (report) {
        const failed = report.data.filter((r) => r.status === null || r.status >= 300).length;
        toast(report.data.length
          ? `${report.data.length} attempt${report.data.length === 1 ? '' : 's'}, ${failed} failed`
          : 'Nothing was due');
      }
    };
    const render = () => {
      const all = session.newest(session.deliveries);
      const now = session.clock?.now ?? 0;
      fill(rows, all.length ? all.map((d) => {
        const pick = () => {
          selected = d.id;
          render();
        };
        const last = d.attempts[d.attempts.length - 1];
        return h('tr', pickable(d.id === selected, pick),
        h('td', { class: 'num' }, d.id),
        h('td', null, at(d.created_at)),
        h('td', null, d.object, h('br'), h('span', { class: 'muted' }, d.truncated ? d.fields.join(', ') : carries(d))),
        h('td', null, badge(d.state.replace('_', ' '), STATE[d.state])),
        h('td', null, d.attempts.length, last ? h('span', { class: 'muted' }, ` · ${outcome(last)}`) : null),
        h('td', null, d.state === 'pending' && d.next_attempt_at !== undefined
          ? (d.next_attempt_at <= now ? 'due now' : `in ${span(d.next_attempt_at - now)}`) : '—'));
      }) : h('tr', null, h('td', { colspan: '6', class: 'muted' },
        'No delivery yet: subscribe an app (Graph POST /{app-id}/subscriptions and /{waba-id}/subscribed_apps), then make something happen.')));
      fill(side, detail(session.deliveries.get(selected), now));
    };
    const describe = () => attempt(async () => {
      const info = await api.get(sim(session.sid));
      mode.textContent = info.options.delivery === 'auto'
        ? 'Automatic delivery: sent as they happen.'
        : 'Manual delivery: nothing leaves until you deliver.';
    });
    fill(root,
      viewHead('Webhooks', 'What metasim sent to your webhook receivers, signed, with every attempt.',
        mode, h('button', { type: 'button', class: 'primary', onclick: deliver }, 'Deliver now')),
      h('div', { class: 'split' },
        h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Webhook deliveries' },
          h('thead', null, h('tr', null, ['#', 'Created (UTC)', 'What', 'State', 'Attempts', 'Next']
            .map((t) => h('th', { scope: 'col' }, t)))),
          rows)),
        side));
    render();
    describe();
    const update = onFrame(render);
    const stops = [session.on('deliveries', update), session.on('clock', update)];
    return () => stops.forEach((stop) => stop());
  },
};
