// Faults: rules that make the Graph API fail or slow down — by product
// (several at once is a correlated outage), method and path — for a number
// of calls or until a time. Add from a form, remove with a button
// (POST/GET/DELETE …/faults).

import { api, sim } from '../api.js';
import { at, attempt, badge, coalesce, empty, fill, h, viewHead } from '../dom.js';

const PRODUCTS = ['whatsapp', 'instagram', 'messenger', 'graph'];
/** Meta's well-known codes, with the HTTP status they usually come with. */
const CODES = [
  [131000, 500, 'Something went wrong'],
  [2, 503, 'Service temporarily unavailable'],
  [1, 500, 'An unknown error occurred'],
  [131016, 503, 'Service unavailable'],
  [133004, 503, 'Server temporarily unavailable'],
  [130429, 429, 'Rate limit hit'],
  [131056, 429, 'Pair rate limit hit'],
  [131048, 400, 'Spam rate limit hit'],
  [80007, 429, 'WhatsApp Business Account rate limit'],
  [4, 403, 'Application request limit reached'],
  [17, 403, 'User request limit reached'],
  [32, 403, 'Page request limit reached'],
  [368, 403, 'Temporarily blocked for policies violations'],
  [200, 403, 'Permissions error'],
];

function describeMatch(match = {}) {
  const parts = [];
  if (match.product) parts.push([].concat(match.product).join(' + '));
  if (match.method) parts.push(match.method);
  if (match.path) parts.push(match.path);
  return parts.length ? parts.join(' · ') : 'every call';
}

function form(session, reload) {
  const boxes = PRODUCTS.map((p) => h('input', { type: 'checkbox', value: p, checked: p === 'whatsapp', 'aria-label': p }));
  const method = h('select', { 'aria-label': 'Method' }, ['', 'GET', 'POST', 'DELETE'].map((m) => h('option', { value: m }, m || 'any method')));
  const path = h('input', { placeholder: '/*/messages', 'aria-label': 'Path glob (without the version)' });
  const code = h('select', { 'aria-label': 'Error code' },
    h('option', { value: '' }, 'no error (latency only)'),
    CODES.map(([c, status, text]) => h('option', { value: c, dataset: { status } }, `${c} · ${text}`)));
  const status = h('input', { type: 'number', min: '400', max: '599', value: '500', 'aria-label': 'HTTP status' });
  const latency = h('input', { type: 'number', min: '0', placeholder: '0', 'aria-label': 'Latency (ms)' });
  const times = h('input', { type: 'number', min: '1', placeholder: 'every call', 'aria-label': 'How many calls' });
  code.value = '131000';
  code.addEventListener('change', () => {
    const option = code.selectedOptions[0];
    if (option?.dataset.status) status.value = option.dataset.status;
  });
  const field = (label, input) => h('label', { class: 'field' }, h('span', null, label), input);
  return h('form', {
    class: 'panel form', 'aria-label': 'Add a fault',
    onsubmit: async (event) => {
      event.preventDefault();
      const match = {};
      const products = boxes.filter((b) => b.checked).map((b) => b.value);
      if (products.length) match.product = products;
      if (method.value) match.method = method.value;
      if (path.value.trim()) match.path = path.value.trim();
      const rule = { match };
      if (code.value) rule.error = { code: Number(code.value), http_status: Number(status.value) };
      if (latency.value) rule.latency_ms = Number(latency.value);
      if (times.value) rule.times = Number(times.value);
      const added = await attempt(() => api.post(sim(session.sid, '/faults'), rule), 'Fault added');
      if (added) reload();
    },
  },
  h('h2', null, 'Add a fault'),
  h('fieldset', null, h('legend', null, 'Products (several: a correlated outage)'),
    boxes.map((box) => h('label', null, box, ' ', box.value))),
  h('div', { class: 'fields' },
    field('Method', method), field('Path', path), field('Error', code), field('HTTP status', status),
    field('Latency (ms)', latency), field('Calls', times)),
  h('div', { class: 'row' }, h('span', { class: 'spacer' }), h('button', { type: 'submit', class: 'primary' }, 'Add fault')));
}

export default {
  mount(root, session) {
    const list = h('div');
    const load = coalesce(async () => {
      const { data } = await api.list(sim(session.sid, '/faults'));
      fill(list, data.length ? h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Fault rules' },
        h('thead', null, h('tr', null, ['Rule', 'Matches', 'Answer', 'Limit', 'Hits', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, data.map((rule) => h('tr', null,
          h('td', { class: 'mono' }, rule.id),
          h('td', null, describeMatch(rule.match)),
          h('td', null, rule.error ? badge(`${rule.error.code} · HTTP ${rule.error.http_status}`, 'bad') : null,
            rule.error?.message ? h('div', { class: 'muted' }, rule.error.message) : null,
            rule.latency_ms ? h('div', null, `+${rule.latency_ms} ms`) : null),
          h('td', null, [rule.times ? `${rule.times} calls` : null, rule.until ? `until ${at(rule.until)}` : null].filter(Boolean).join(', ') || 'none'),
          h('td', { class: 'num' }, rule.hits),
          h('td', null, h('button', {
            type: 'button', class: 'small danger', 'aria-label': `Remove fault ${rule.id}`,
            onclick: () => attempt(async () => {
              await api.del(sim(session.sid, `/faults/${encodeURIComponent(rule.id)}`));
              load();
            }, 'Fault removed'),
          }, 'Remove')))))))
        : empty('No faults: every call answers normally.'));
    });
    fill(root,
      viewHead('Faults', 'Make calls fail with Meta\'s real codes, or answer slowly. They apply after the token is checked, to each call of a batch too.'),
      list,
      form(session, load));
    return session.follow(load);
  },
};
