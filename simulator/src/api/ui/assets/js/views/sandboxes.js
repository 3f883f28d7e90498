// Every sandbox on this server, and a form to create one (id, seed,
// fixture, delivery, clock, template review): POST /_sim/sandboxes.

import { api } from '../api.js';
import { attempt, empty, fill, h, toast, viewHead, when } from '../dom.js';

function table(list) {
  if (!list.length) return empty('No sandbox yet: create one below.');
  return h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null,
      ['Sandbox', 'Seed', 'Clock', 'Delivery', 'Consumers', 'Messages', 'Journal'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, list.map((s) => h('tr', null,
      h('td', null, h('a', { href: `#/s/${encodeURIComponent(s.id)}/overview` }, s.id)),
      h('td', { class: 'num' }, s.seed),
      h('td', null, when(s.clock.now), ' ', h('span', { class: 'muted' }, s.clock.mode)),
      h('td', null, s.options.delivery),
      h('td', { class: 'num' }, s.counts.whatsapp_consumers),
      h('td', { class: 'num' }, s.counts.messages),
      h('td', { class: 'num' }, s.counts.journal_entries))))));
}

function createForm(shell) {
  const field = (label, input) => h('label', { class: 'field' }, h('span', null, label), input);
  const id = h('input', {
    name: 'id', pattern: '[A-Za-z0-9_\\-]{1,64}', placeholder: 'generated', 'aria-label': 'Sandbox id',
    title: '1 to 64 letters, digits, - and _',
  });
  const seed = h('input', { name: 'seed', type: 'number', min: '0', value: '0' });
  const delivery = h('select', { name: 'delivery' },
    h('option', { value: 'manual' }, 'manual (Deliver now)'), h('option', { value: 'auto' }, 'auto (at once)'));
  const clock = h('select', { name: 'clock' },
    h('option', { value: 'virtual' }, 'virtual'), h('option', { value: 'realtime' }, 'realtime'));
  const review = h('select', { name: 'review' },
    h('option', { value: 'auto' }, 'approved after 60 s'), h('option', { value: 'manual' }, 'by hand (Templates)'));
  const fixture = h('textarea', { name: 'fixture', placeholder: 'Empty: the demo fixture (Lucky Shrub, Alice, Bob, Maya). Or paste a fixture as JSON.', 'aria-label': 'Fixture JSON' });
  const file = h('input', { type: 'file', accept: 'application/json,.json', 'aria-label': 'Fixture file' });
  file.addEventListener('change', async () => {
    if (file.files[0]) fixture.value = await file.files[0].text();
  });
  return h('form', {
    class: 'panel form', 'aria-label': 'Create a sandbox',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = {
        seed: Number(seed.value || 0),
        delivery: delivery.value,
        clock: clock.value,
        template_review: { auto_approve: review.value === 'auto' },
      };
      if (id.value.trim()) body.id = id.value.trim();
      if (fixture.value.trim()) {
        try {
          body.fixture = JSON.parse(fixture.value);
        } catch (error) {
          toast(`The fixture is not JSON: ${error.message}`, 'error');
          return;
        }
      }
      const created = await attempt(() => api.post('/_sim/sandboxes', body), 'Sandbox created');
      if (created) {
        await shell.refreshSandboxes();
        shell.go(`#/s/${encodeURIComponent(created.id)}/overview`);
      }
    },
  },
  h('h2', null, 'Create a sandbox'),
  h('p', { class: 'muted' }, 'Same id, seed and requests give the same ids, tokens and answers, byte for byte.'),
  h('div', { class: 'fields' },
    field('Id', id),
    field('Seed', seed),
    field('Webhook delivery', delivery),
    field('Clock', clock),
    field('Template review', review)),
  h('label', { class: 'field' }, h('span', null, 'Fixture'), fixture),
  h('div', { class: 'row' }, file, h('span', { class: 'spacer' }), h('button', { class: 'primary', type: 'submit' }, 'Create sandbox')));
}

export default {
  mount(root, _session, shell) {
    const list = h('div');
    fill(root,
      viewHead('Sandboxes', 'Isolated tenants: each has its own seed, clock, accounts, tokens, journal and faults.'),
      h('section', { class: 'panel', 'aria-label': 'All sandboxes' }, list),
      createForm(shell));
    attempt(async () => fill(list, table((await api.list('/_sim/sandboxes')).data)));
  },
};
