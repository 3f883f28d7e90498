// Phones: every WhatsApp consumer of the sandbox as a phone with its linked
// devices, the SMS and voice inbox of every business number (where
// verification codes land), and a form to add a consumer. Re-read whenever
// the sandbox changes.

import { api, sim } from '../api.js';
import { attempt, coalesce, copyButton, empty, fill, h, hhmm, viewHead } from '../dom.js';
import { DevicesPanel } from './devices.js';
import { Phone, formatPhone } from './phone.js';

function smsInbox(number, messages) {
  return h('section', { class: 'panel sms', 'aria-label': `SMS inbox of ${formatPhone(number.digits)}` },
    h('h3', null, `${number.verified_name} · ${formatPhone(number.digits)}`),
    h('p', { class: 'muted' }, `SMS and voice · ${number.status.toLowerCase().replaceAll('_', ' ')}`),
    messages.length
      ? h('ul', null, messages.slice().reverse().map((m) => h('li', null,
        h('div', { class: 'row' }, h('b', null, m.from), h('span', { class: 'muted' }, `${m.channel} · ${hhmm(m.time)}`)),
        h('div', null, m.text),
        h('div', { class: 'row' }, h('span', { class: 'code' }, m.code), copyButton(m.code, 'the code')))))
      : h('p', { class: 'muted' }, 'No codes received.'));
}

function consumerForm(session, reload) {
  const phone = h('input', { required: true, placeholder: '+1 555 010 7777', 'aria-label': 'Phone number' });
  const name = h('input', { placeholder: 'Name', 'aria-label': 'Name' });
  return h('form', {
    class: 'row', 'aria-label': 'Add a WhatsApp consumer',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = { phone: phone.value };
      if (name.value.trim()) body.name = name.value.trim();
      const added = await attempt(() => api.post(sim(session.sid, '/whatsapp/consumers'), body), 'Consumer added');
      if (added) {
        phone.value = '';
        name.value = '';
        reload();
      }
    },
  }, phone, name, h('button', { type: 'submit' }, 'Add consumer'));
}

export default {
  mount(root, session) {
    // digits -> { phone, devices (its linked devices panel), el (both) }
    const phones = new Map();
    const grid = h('div', { class: 'phones' });
    const inboxes = h('div', { class: 'phones' });
    const load = async () => {
      const [{ data: everyone }, { data: numbers }] = await Promise.all([
        api.list(sim(session.sid, '/whatsapp/consumers')),
        api.list(sim(session.sid, '/whatsapp/phone_numbers')),
      ]);
      const consumers = everyone.slice().sort((a, b) => (a.name || a.phone).localeCompare(b.name || b.phone));
      const chats = await Promise.all(consumers.map((c) =>
        api.list(sim(session.sid, `/whatsapp/consumers/${c.phone}/chats`))));
      const sms = await Promise.all(numbers.map((n) => api.get(sim(session.sid, `/phones/${n.digits}/sms`))));
      const devices = await Promise.all(consumers.map((c) => (c.on_whatsapp
        ? api.get(sim(session.sid, `/whatsapp/accounts/${c.phone}/devices`)) : null)));
      consumers.forEach((consumer, i) => {
        let entry = phones.get(consumer.phone);
        if (!entry) {
          const phone = new Phone(session, consumer, reload);
          const panel = new DevicesPanel(session, consumer, phone.name, reload);
          entry = { phone, devices: panel, el: h('div', { class: 'phone-stack' }, phone.el, panel.el) };
          phones.set(consumer.phone, entry);
        }
        entry.phone.update(chats[i].data, numbers);
        entry.devices.el.hidden = !devices[i];
        if (devices[i]) entry.devices.update(devices[i].data);
      });
      for (const [digits] of phones) {
        if (!consumers.some((c) => c.phone === digits)) phones.delete(digits);
      }
      // Put phones in place only when the set changed: moving one loses its focus.
      const shown = [...grid.children];
      const wanted = [...phones.values()].map((p) => p.el);
      if (shown.length !== wanted.length || shown.some((el, i) => el !== wanted[i])) {
        fill(grid, wanted.length ? wanted : empty('No WhatsApp consumers in this sandbox.'));
      }
      fill(inboxes, numbers.map((number, i) => smsInbox(number, sms[i].data)));
    };
    const reload = coalesce(load, 200);
    fill(root,
      viewHead('Phones', 'Each WhatsApp consumer as a phone: type as them, tap buttons, read. Business numbers get their codes by SMS.',
        consumerForm(session, reload)),
      grid,
      h('h2', null, 'Business numbers: SMS and voice'),
      inboxes);
    // The clock moves the windows' state too.
    return session.follow(reload, 'clock');
  },
};
