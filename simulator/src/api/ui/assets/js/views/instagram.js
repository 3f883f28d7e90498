// Instagram: each account's profile as a visitor sees it, with its Contact
// button (GET …/instagram/{id}/contact), and the owner's contact options:
// choose WhatsApp and send a code (it arrives in that number's WhatsApp,
// from "Facebook Business" — see Phones), type it, or remove the option.

import { api, sim } from '../api.js';
import { at, attempt, coalesce, empty, fill, h, kv, refill, viewHead } from '../dom.js';

function initials(account) {
  return (account.name || account.username).slice(0, 1).toUpperCase();
}

/** A profile; `opened` holds the accounts whose contact sheet is open (it stays open as the view refreshes). */
function profile(account, contactUrl, opened) {
  const isOpen = () => opened.has(account.id);
  const sheet = h('div', { class: 'ig-contact', hidden: !isOpen(), role: 'region', 'aria-label': `Contact ${account.username}` });
  const showOptions = () => attempt(async () => {
    const options = await api.get(contactUrl);
    const rows = [['Email', options.email], ['Call', options.phone], ['WhatsApp', options.whatsapp]]
      .filter(([, value]) => value);
    fill(sheet, rows.length
      ? h('ul', null, rows.map(([label, value]) => h('li', null, h('b', null, label), value)))
      : h('p', { class: 'muted' }, 'No contact options.'));
  });
  if (isOpen()) showOptions();
  const contact = h('button', {
    type: 'button', 'aria-expanded': String(isOpen()),
    onclick: () => {
      if (isOpen()) opened.delete(account.id);
      else {
        opened.add(account.id);
        showOptions();
      }
      sheet.hidden = !isOpen();
      contact.setAttribute('aria-expanded', String(isOpen()));
    },
  }, 'Contact');
  return h('article', { class: 'ig-profile', 'aria-label': `Instagram profile ${account.username}` },
    h('div', { class: 'ig-top' },
      h('div', { class: 'ig-avatar', 'aria-hidden': 'true' }, initials(account)),
      h('div', null,
        h('h2', null, account.username),
        h('div', { class: 'ig-stats' },
          [['posts', account.media_count], ['followers', account.followers_count], ['following', account.follows_count]]
            .map(([label, count]) => h('div', null, h('b', null, count.toLocaleString('en')), h('span', null, label)))))),
    h('div', { class: 'ig-bio' },
      account.name ? h('b', null, account.name) : null,
      h('div', { class: 'muted' }, account.account_type === 'MEDIA_CREATOR' ? 'Creator' : account.professional ? 'Business' : 'Personal account'),
      account.biography ? h('div', null, account.biography) : null,
      account.website ? h('div', { class: 'mono' }, account.website) : null),
    account.professional ? h('div', { class: 'ig-actions' }, contact) : null,
    sheet);
}

function options(account, base, act) {
  const path = `${base}/contact-options/whatsapp`;
  const current = account.contact;
  const pending = account.pending_whatsapp;
  const field = h('input', { name: `${account.id}-phone`, placeholder: account.phone || '+1 555 010 9999', 'aria-label': 'WhatsApp number' });
  const code = h('input', { name: `${account.id}-code`, inputmode: 'numeric', autocomplete: 'one-time-code', placeholder: '6-digit code', 'aria-label': 'Code from WhatsApp' });
  const send = () => act(() => api.post(path, field.value.trim() ? { phone: field.value.trim() } : {}), 'Code sent by WhatsApp');
  return h('section', { class: 'panel', 'aria-label': `Contact options of ${account.username}` },
    h('h2', null, 'Edit profile → Contact options'),
    !account.professional ? h('p', { class: 'muted' }, 'Contact options need a professional (business or creator) account.') : [
      kv([
        ['Email', current.email ?? '—'],
        ['Phone', current.phone ?? '—'],
        ['WhatsApp', current.whatsapp ?? '—',
          current.whatsapp ? h('button', { type: 'button', class: 'small danger', onclick: () => act(() => api.del(path), 'WhatsApp removed') }, 'Remove') : null],
      ]),
      pending ? h('form', {
        class: 'form', 'aria-label': 'Confirm the WhatsApp number',
        onsubmit: (event) => {
          event.preventDefault();
          act(() => api.post(`${path}/verify`, { code: code.value.trim() }), 'WhatsApp number verified');
        },
      },
      h('p', null, `Code sent to ${pending.phone} by WhatsApp, expires ${at(pending.expires_at)} UTC`,
        pending.wrong_attempts ? ` · ${pending.wrong_attempts} wrong` : ''),
      h('div', { class: 'row' }, code, h('button', { type: 'submit', class: 'primary' }, 'Confirm'),
        h('button', { type: 'button', onclick: send }, 'Resend code'))) : null,
      h('h3', null, current.whatsapp ? 'Change the WhatsApp number' : 'Add WhatsApp'),
      h('div', { class: 'row' }, field, h('button', { type: 'button', onclick: send }, 'Send code')),
      h('p', { class: 'muted' }, `Empty: the account's own number${account.phone ? ` (${account.phone})` : ''}.`),
    ]);
}

export default {
  mount(root, session) {
    const body = h('div');
    const opened = new Set();
    const load = coalesce(async () => {
      const { data } = await api.list(sim(session.sid, '/instagram'));
      const act = (action, done) => attempt(async () => {
        await action();
        load();
      }, done);
      refill(body, data.length ? data.map((account) => {
        const base = sim(session.sid, `/instagram/${account.id}`);
        return h('div', { class: 'ig' }, profile(account, `${base}/contact`, opened), options(account, base, act));
      }) : empty('No Instagram accounts in this sandbox.'));
    });
    fill(root,
      viewHead('Instagram', 'Profiles as visitors see them, and the owner\'s contact options: WhatsApp is added with a code sent by WhatsApp.'),
      body);
    return session.follow(load);
  },
};
