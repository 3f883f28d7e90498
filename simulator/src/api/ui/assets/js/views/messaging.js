// Messenger and Instagram Direct: every Facebook person's Messenger and
// every Instagram account's Direct inbox as a phone (dm-phone.js), and
// forms to add a person (POST …/facebook/users, …/instagram/users).
// Re-read whenever the sandbox changes.

import { api, sim } from '../api.js';
import { attempt, coalesce, empty, fill, h, viewHead } from '../dom.js';
import { DmPhone } from './dm-phone.js';

/** A form (`title`, then `fields`: inputs, selects, checkboxes) that posts what they hold to `path`. */
function addForm(title, label, path, fields, reload) {
  const inputs = fields.map(([name, text, kind, options]) => {
    if (kind === 'checkbox') return [name, h('input', { type: 'checkbox', name }), text];
    if (kind === 'select') {
      return [name, h('select', { name, 'aria-label': text }, options.map((o) => h('option', { value: o }, o))), null];
    }
    return [name, h('input', { name, required: kind === 'required', placeholder: text, 'aria-label': text }), null];
  });
  const form = h('form', {
    class: 'row', 'aria-label': label,
    onsubmit: async (event) => {
      event.preventDefault();
      const body = {};
      for (const [name, input] of inputs) {
        if (input.type === 'checkbox') body[name] = input.checked;
        else if (input.value.trim()) body[name] = input.value.trim();
      }
      if (await attempt(() => api.post(path, body), `${label.replace('Add ', '')} added`)) {
        form.reset();
        reload();
      }
    },
  }, h('b', { class: 'form-title' }, title), inputs.map(([, input, text]) => (text ? h('label', null, input, ` ${text}`) : input)),
  h('button', { type: 'submit' }, label));
  return form;
}

export default {
  mount(root, session) {
    // `${app}:${id}` -> DmPhone
    const phones = new Map();
    const grid = h('div', { class: 'phones' });
    const base = (rest) => sim(session.sid, rest);
    const load = async () => {
      const [{ data: people }, { data: accounts }, { data: pages }] = await Promise.all([
        api.list(base('/facebook/users')), api.list(base('/instagram/users')), api.list(base('/pages'))]);
      const facebook = people.map((p) => ({ id: p.id, name: p.name, type: 'facebook_user' }));
      const instagram = accounts.map((a) => ({ id: a.id, name: `@${a.username}`, type: 'instagram_user' }));
      const everyone = [
        ...people.map((person) => ['messenger', person,
          [...pages.map((p) => ({ id: p.id, name: p.name, type: 'page' })), ...facebook, ...instagram]]),
        ...accounts.map((account) => ['instagram', account, [...instagram, ...facebook]]),
      ];
      const read = (log) => Promise.all(everyone.map(([app, person]) =>
        api.list(base(`/${app === 'messenger' ? 'facebook' : 'instagram'}/users/${person.id}/${log}?after=0`))));
      const [inboxes, sent] = await Promise.all([read('inbox'), read('sent')]);
      const wanted = everyone.map(([app, person, reachable], i) => {
        const key = `${app}:${person.id}`;
        let phone = phones.get(key);
        if (!phone) {
          phone = new DmPhone(session, app, person, reload);
          phones.set(key, phone);
        }
        phone.update(inboxes[i].data, sent[i].data, reachable.filter((r) => r.id !== person.id));
        return phone.el;
      });
      for (const [key, phone] of phones) if (!wanted.includes(phone.el)) phones.delete(key);
      // Put phones in place only when the set changed: moving one loses its focus.
      const shown = [...grid.children];
      if (shown.length !== wanted.length || shown.some((el, i) => el !== wanted[i])) {
        fill(grid, wanted.length ? wanted : empty('No Facebook or Instagram people in this sandbox.'));
      }
    };
    const reload = coalesce(load, 200);
    fill(root,
      viewHead('Messenger & Instagram', 'Each Facebook person\'s Messenger and each Instagram account\'s Direct inbox: read, tap buttons and quick replies, react, write as them. Instagram messages show in Messenger once Accounts Center links the accounts.'),
      h('section', { class: 'panel', 'aria-label': 'Add people' },
        addForm('Facebook', 'Add Facebook person', base('/facebook/users'), [
          ['name', 'Name', 'required'], ['email', 'Email'], ['email_verified', 'email verified', 'checkbox'],
          ['two_factor', 'two-factor', 'checkbox']], reload),
        addForm('Instagram', 'Add Instagram account', base('/instagram/users'), [
          ['username', 'Username', 'required'], ['account_type', 'Account type', 'select', ['personal', 'business', 'creator']],
          ['name', 'Name'], ['email', 'Email'], ['email_verified', 'email verified', 'checkbox']], reload)),
      grid);
    return session.follow(reload);
  },
};
