// Facebook Pages and the WhatsApp link made in the WhatsApp Business app:
// "Connect WhatsApp", "Remove WhatsApp", "Sync profile with Page" on or off,
// and the sync's state — with the Page's business info beside the WhatsApp
// profile, to watch one-way sync (docs/linking.md).

import { api, sim } from '../api.js';
import { at, attempt, badge, coalesce, empty, fill, h, refill, viewHead } from '../dom.js';
import { formatPhone } from './phone.js';

const FIELDS = [
  ['about', 'About'], ['description', 'Description'], ['address', 'Address'],
  ['email', 'Email'], ['websites', 'Website'], ['hours', 'Hours'], ['category', 'Category'],
];

function pageValue(page, field) {
  switch (field) {
    case 'address': return page.single_line_address;
    case 'email': return page.emails?.[0];
    case 'websites': return page.website;
    default: return page[field];
  }
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `{"mon_1_open": "09:00", "mon_1_close": "17:00"}` → `Mon 09:00–17:00`. */
function hours(map) {
  return DAYS.flatMap((day) => [1, 2]
    .filter((slot) => map[`${day}_${slot}_open`])
    .map((slot) => `${day[0].toUpperCase()}${day.slice(1)} ${map[`${day}_${slot}_open`]}–${map[`${day}_${slot}_close`] ?? '?'}`))
    .join(', ');
}

function show(value, field) {
  if (value === undefined || value === null || value === '') return h('span', { class: 'muted' }, '—');
  if (field === 'hours') return hours(value);
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function syncState(link) {
  const { sync } = link;
  if (sync.enabled) return badge('sync on', 'ok');
  if (sync.stopped) {
    const fields = sync.stopped.fields.length ? ` (${sync.stopped.fields.join(', ')})` : '';
    return [badge('sync stopped', 'warn'), h('span', { class: 'muted' }, ` ${sync.stopped.reason.replaceAll('_', ' ')}${fields}, ${at(sync.stopped.at)}`)];
  }
  return badge('sync off');
}

/** The link of `page` (its control-plane route is `path`); `act` runs a change. */
function linkPanel(page, path, numbers, profile, act) {
  const link = page.whatsapp_link;
  if (!link) {
    const free = numbers.filter((n) => n.registered && !n.linked_page);
    const select = h('select', { name: `number-${page.id}`, 'aria-label': `WhatsApp number for ${page.name}` },
      free.map((n) => h('option', { value: n.id }, `${n.verified_name} · ${formatPhone(n.digits)}`)));
    return [
      h('p', { class: 'muted' }, 'Not linked: the Page shows no WhatsApp button.'),
      free.length
        ? h('div', { class: 'row' }, select, h('button', {
          type: 'button', class: 'primary',
          onclick: () => act(() => api.post(path, { phone_number_id: select.value }), 'WhatsApp connected'),
        }, 'Connect WhatsApp'))
        : h('p', { class: 'muted' }, 'No registered number is free to link.'),
    ];
  }
  return [
    h('p', null, 'WhatsApp ', h('b', null, formatPhone(link.whatsapp_number)), ' · linked ', at(link.linked_at), ' UTC · ', syncState(link)),
    h('div', { class: 'row' },
      h('button', {
        type: 'button',
        onclick: () => act(() => api.put(`${path}/sync`, { enabled: !link.sync.enabled }),
          link.sync.enabled ? 'Sync turned off' : 'Sync turned on'),
      }, link.sync.enabled ? 'Turn sync off' : 'Sync profile with Page'),
      h('button', { type: 'button', class: 'danger', onclick: () => act(() => api.del(path), 'WhatsApp removed') }, 'Remove WhatsApp')),
    profile ? h('table', { 'aria-label': `${page.name} and its WhatsApp profile` },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Facebook Page'), h('th', { scope: 'col' }, 'WhatsApp profile'))),
      h('tbody', null, FIELDS.map(([field, label]) => h('tr', null,
        h('th', { scope: 'row' }, label),
        h('td', null, show(pageValue(page, field), field)),
        h('td', null, show(profile.profile[field], field)))))) : null,
  ];
}

export default {
  mount(root, session) {
    const body = h('div');
    const base = (rest) => sim(session.sid, rest);
    const load = coalesce(async () => {
      const [{ data: pages }, { data: numbers }] = await Promise.all([
        api.list(base('/pages')), api.list(base('/whatsapp/phone_numbers'))]);
      const profiles = await Promise.all(pages.map((p) => (p.whatsapp_link
        ? api.get(base(`/whatsapp/business-app/${p.whatsapp_link.phone_number_id}/profile`)) : null)));
      const act = (action, done) => attempt(async () => {
        await action();
        load();
      }, done);
      refill(body, pages.length ? pages.map((page, i) => h('section', { class: 'panel', 'aria-label': `Page ${page.name}` },
        h('h2', null, page.name, ' ', h('span', { class: 'muted' }, `· ${page.category} · id ${page.id}`)),
        linkPanel(page, base(`/pages/${page.id}/whatsapp-link`), numbers, profiles[i], act)))
        : empty('No Facebook Pages in this sandbox.'));
    });
    fill(root,
      viewHead('Pages & WhatsApp', 'Link a WhatsApp number to a Facebook Page and sync the Page\'s business info to the WhatsApp profile, one way. The sync state shows when an edit on the WhatsApp side stopped it.'),
      body);
    return session.follow(load);
  },
};
