// A consumer's linked devices, under their phone: the phone itself and
// each companion with its state (and why it was logged out), a button that
// links WhatsApp Web the way a person does (the web shows a link code, the
// phone types it) and, for each active companion, Log out. Every action is
// a control-plane call on …/whatsapp/accounts/{digits}/devices.

import { api, sim } from '../api.js';
import { attempt, fill, h, hhmm } from '../dom.js';

function state(device) {
  if (device.state === 'active') return `active · used ${hhmm(device.last_active_at)}`;
  return `logged out ${hhmm(device.logged_out_at)} (${device.logout_reason.replaceAll('_', ' ')})`;
}

export class DevicesPanel {
  /** `refresh` reloads the phones view (after an action). */
  constructor(session, consumer, name, refresh) {
    this.session = session;
    this.consumer = consumer;
    this.refresh = refresh;
    this.list = h('ul', { class: 'device-list' });
    this.el = h('section', { class: 'panel devices', 'aria-label': `${name}'s linked devices` },
      h('div', { class: 'row' }, h('h3', null, 'Linked devices'),
        h('button', { type: 'button', class: 'small', onclick: () => this.linkWeb() }, 'Link WhatsApp Web')),
      this.list);
  }

  path(rest = '') {
    return sim(this.session.sid, `/whatsapp/accounts/${this.consumer.phone}/devices${rest}`);
  }

  /** WhatsApp Web shows a link code; the phone types it. */
  async linkWeb() {
    const linked = await attempt(async () => {
      const { code } = await api.post(this.path('/link-code'), { kind: 'web' });
      return api.post(this.path('/link-code/confirm'), { code });
    }, 'WhatsApp Web linked');
    if (linked) this.refresh();
  }

  async logOut(device) {
    const out = await attempt(() => api.post(this.path(`/${device.id}/logout`), {}), `${device.name} logged out`);
    if (out) this.refresh();
  }

  update(devices) {
    fill(this.list, devices.map((device) => h('li', { class: device.state === 'active' ? '' : 'muted' },
      h('div', { class: 'row' },
        h('b', null, device.name),
        h('span', null, device.role === 'primary' ? 'primary' : device.kind),
        device.role === 'companion' && device.state === 'active'
          ? h('button', { type: 'button', class: 'small', 'aria-label': `Log out ${device.name}`, onclick: () => this.logOut(device) }, 'Log out')
          : null),
      h('small', null, state(device)))));
  }
}
