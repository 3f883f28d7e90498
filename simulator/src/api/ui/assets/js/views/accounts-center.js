// Accounts Center: link a Facebook person and an Instagram account
// (POST …/accounts-center/links), and for each link its state, messaging
// preferences, data sync and permissions — confirm with the permissions
// ticked, grant or revoke one, unlink (docs/accounts-center.md).

import { api, sim } from '../api.js';
import { at, attempt, badge, coalesce, confirmDialog, empty, fill, h, refill, viewHead } from '../dom.js';

const PERMISSIONS = [
  ['direct_messages', 'Direct messages'], ['contacts', 'Contacts'],
  ['profile_info', 'Profile info'], ['message_history', 'Message history'],
];
const NOTIFICATIONS = [['direct_messages', 'Direct messages'], ['mentions', 'Mentions'], ['comments', 'Comments']];

/** A fieldset of checkboxes named `${prefix}-${key}`, each calling `change(key, checked)`. */
function checks(legend, prefix, items, values, change) {
  return h('fieldset', null, h('legend', null, legend),
    items.map(([key, label]) => h('label', null,
      h('input', {
        type: 'checkbox', name: `${prefix}-${key}`, checked: Boolean(values[key]),
        onchange: change ? (event) => change(key, event.target.checked) : null,
      }), ` ${label}`)));
}

function linkPanel(link, names, path, act) {
  const id = link.id;
  const pending = link.state === 'pending';
  const permissions = checks('Permissions', `${id}-permission`, PERMISSIONS, link.permissions,
    pending ? null : (key, granted) => act(() => api.put(`${path}/permissions`, { [key]: granted }),
      `${PERMISSIONS.find(([k]) => k === key)[1]} ${granted ? 'granted' : 'revoked'}`));
  const confirm = () => {
    const granted = PERMISSIONS.map(([key]) => key)
      .filter((key) => permissions.querySelector(`input[name="${id}-permission-${key}"]`).checked);
    act(() => api.post(`${path}/confirm`, { permissions: granted }), 'Link confirmed');
  };
  /** The sync with `change`; `threads` go only with `selected`. */
  const sync = (change) => {
    const next = { ...link.sync, ...change };
    if (next.history !== 'selected') delete next.threads;
    return act(() => api.put(`${path}/sync`, next), 'Sync saved');
  };
  const history = h('select', {
    name: `${id}-history`, 'aria-label': 'History to sync',
    onchange: (event) => sync({ history: event.target.value }),
  }, ['none', 'all'].concat(link.sync.history === 'selected' ? ['selected'] : [])
    .map((value) => h('option', { value, selected: link.sync.history === value }, value)));
  const unlink = async () => {
    if (await confirmDialog(`Unlink ${names.facebook} and ${names.instagram}?`, 'Unlink')) {
      act(() => api.del(path), 'Unlinked');
    }
  };
  return h('section', { class: 'panel', 'aria-label': `Link ${names.facebook} and ${names.instagram}` },
    h('h2', null, `${names.facebook} ↔ ${names.instagram} `,
      badge(link.state, pending ? 'warn' : 'ok'),
      h('span', { class: 'muted' }, ` · created ${at(link.created_at)}${link.linked_at ? ` · linked ${at(link.linked_at)}` : ''} UTC`)),
    h('div', { class: 'ac-grid' },
      checks('Notifications in Messenger', `${id}-notify`, NOTIFICATIONS, link.preferences.notifications,
        (key, on) => act(() => api.put(`${path}/preferences`, { notifications: { [key]: on } }), 'Preferences saved')),
      checks('Show', `${id}-show`, [['show_instagram_contacts', 'Instagram contacts in Messenger']], link.preferences,
        (key, on) => act(() => api.put(`${path}/preferences`, { [key]: on }), 'Preferences saved')),
      h('fieldset', null, h('legend', null, 'Sync'),
        [['contacts', 'Contacts'], ['profile', 'Profile']].map(([key, label]) => h('label', null,
          h('input', {
            type: 'checkbox', name: `${id}-sync-${key}`, checked: link.sync[key],
            onchange: (event) => sync({ [key]: event.target.checked }),
          }), ` ${label}`)),
        h('label', null, 'History ', history)),
      permissions),
    h('div', { class: 'row' },
      pending ? h('button', { type: 'button', class: 'primary', onclick: confirm }, 'Confirm with these permissions') : null,
      h('button', { type: 'button', class: 'danger', onclick: unlink }, 'Unlink')));
}

export default {
  mount(root, session) {
    const body = h('div');
    const base = (rest) => sim(session.sid, rest);
    const facebook = h('select', { name: 'link-facebook', 'aria-label': 'Facebook account' });
    const instagram = h('select', { name: 'link-instagram', 'aria-label': 'Instagram account' });
    const load = coalesce(async () => {
      const [{ data: people }, { data: accounts }, { data: links }] = await Promise.all([
        api.list(base('/facebook/users')), api.list(base('/instagram/users')), api.list(base('/accounts-center/links'))]);
      const keep = [facebook.value, instagram.value];
      fill(facebook, people.map((p) => h('option', { value: p.id }, p.name)));
      fill(instagram, accounts.map((a) => h('option', { value: a.id }, `@${a.username}`)));
      if (keep[0]) facebook.value = keep[0];
      if (keep[1]) instagram.value = keep[1];
      const act = (action, done) => attempt(async () => {
        await action();
        load();
      }, done);
      const name = (list, id, show) => show(list.find((x) => x.id === id) ?? { name: id, username: id });
      refill(body, links.length ? links.map((link) => linkPanel(link, {
        facebook: name(people, link.facebook_user_id, (p) => p.name),
        instagram: name(accounts, link.instagram_user_id, (a) => `@${a.username}`),
      }, base(`/accounts-center/links/${link.id}`), act)) : empty('No Accounts Center links yet.'));
    });
    const start = h('form', {
      class: 'row', 'aria-label': 'Link accounts',
      onsubmit: (event) => {
        event.preventDefault();
        attempt(async () => {
          await api.post(base('/accounts-center/links'), { facebook_user_id: facebook.value, instagram_user_id: instagram.value });
          load();
        }, 'Link started: review and confirm it');
      },
    }, facebook, instagram, h('button', { type: 'submit', class: 'primary' }, 'Link accounts'));
    fill(root,
      viewHead('Accounts Center', 'Link a Facebook account and an Instagram account: messages, contacts and notifications cross over once the link is confirmed with its permissions.', start),
      body);
    return session.follow(load);
  },
};
