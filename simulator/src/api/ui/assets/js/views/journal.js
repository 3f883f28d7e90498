// The journal: every Graph API request the sandbox received, newest first,
// live; filter by method, path and status; pick one to see the request and
// the answer exactly as they were.

import { at, empty, fill, h, jsonBlock, onFrame, pickable, statusBadge, viewHead } from '../dom.js';

const SHOWN = 200;

const STATUS = {
  all: () => true,
  ok: (s) => s < 300,
  client: (s) => s >= 400 && s < 500,
  server: (s) => s >= 500,
  errors: (s) => s >= 400,
};

/** One line about the answer: Meta's error, or the ids it names. */
function summary(entry) {
  const response = entry.response;
  if (response?.error) return `${response.error.code}: ${response.error.message}`;
  if (response?.messages?.[0]?.id) return response.messages[0].id;
  if (response?.id) return `id ${response.id}`;
  if (Array.isArray(response?.data)) return `${response.data.length} item${response.data.length === 1 ? '' : 's'}`;
  if (response?.success !== undefined) return `success: ${response.success}`;
  return '';
}

function detail(entry) {
  if (!entry) return empty('Pick a request to see it whole.');
  return [
    h('h2', null, h('span', { class: 'method' }, entry.method), ' ', entry.path),
    h('p', null, statusBadge(entry.status), ' ', h('span', { class: 'muted' }, `#${entry.seq} · ${at(entry.time)} UTC`)),
    Object.keys(entry.query).length ? [h('h3', null, 'Query'), jsonBlock(entry.query)] : null,
    entry.body !== null ? [h('h3', null, 'Body'), jsonBlock(entry.body)] : null,
    h('h3', null, 'Answer'), jsonBlock(entry.response),
    h('h3', null, 'Headers'), jsonBlock(entry.headers),
  ];
}

export default {
  mount(root, session) {
    let selected = null;
    const method = h('select', { 'aria-label': 'Method' },
      ['All methods', 'GET', 'POST', 'DELETE'].map((m, i) => h('option', { value: i ? m : '' }, m)));
    const path = h('input', { type: 'search', placeholder: 'Path contains…', 'aria-label': 'Path contains' });
    const status = h('select', { 'aria-label': 'Status' },
      [['all', 'Any status'], ['ok', '2xx'], ['client', '4xx'], ['server', '5xx'], ['errors', 'Errors (4xx, 5xx)']]
        .map(([value, label]) => h('option', { value }, label)));
    const rows = h('tbody');
    const count = h('span', { class: 'muted' });
    const side = h('section', { class: 'panel', 'aria-label': 'Request' });

    const render = () => {
      const all = session.newest(session.journal);
      const matching = all.filter((e) => (!method.value || e.method === method.value)
        && (!path.value || e.path.includes(path.value.trim()))
        && STATUS[status.value](e.status));
      count.textContent = `${matching.length} of ${all.length} kept`;
      if (!matching.length) {
        fill(rows, h('tr', null, h('td', { colspan: '6', class: 'muted' },
          all.length ? 'No request matches.' : 'No Graph API request yet: point your integration at the Graph base URL.')));
      } else fill(rows, matching.slice(0, SHOWN).map((entry) => {
        const pick = () => {
          selected = entry.seq;
          render();
        };
        return h('tr', pickable(entry.seq === selected, pick),
        h('td', { class: 'num' }, entry.seq),
        h('td', null, at(entry.time)),
        h('td', null, h('span', { class: 'method' }, entry.method)),
        h('td', null, h('span', { class: 'mono' }, entry.path)),
        h('td', null, statusBadge(entry.status)),
        h('td', null, summary(entry)));
      }));
      fill(side, detail(session.journal.get(selected)));
    };
    for (const control of [method, path, status]) control.addEventListener('input', render);
    fill(root,
      viewHead('Journal', 'Every Graph API request this sandbox received and what it answered, as your integration sent it (secrets redacted).',
        method, path, status, count),
      h('div', { class: 'split' },
        h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Journal' },
          h('thead', null, h('tr', null, ['#', 'Time (UTC)', 'Method', 'Path', 'Status', 'Answer']
            .map((t) => h('th', { scope: 'col' }, t)))),
          rows)),
        side));
    render();
    return session.on('journal', onFrame(render));
  },
};
