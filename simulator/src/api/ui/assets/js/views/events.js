// Events: everything Meta would report by webhook, in order, live — each
// with a one-line summary and the whole event on demand.

import { at, badge, fill, h, jsonBlock, onFrame, viewHead } from '../dom.js';
import { formatPhone } from './phone.js';

const SHOWN = 300;

function messageText(message) {
  const type = message?.type;
  const content = message?.[type] ?? {};
  return content.body ?? content.text ?? content.caption ?? content.button_reply?.title
    ?? content.list_reply?.title ?? content.emoji ?? `[${type}]`;
}

/** [kind label, badge class, summary] */
function describe(event) {
  switch (event.kind) {
    case 'whatsapp_inbound':
      return ['inbound', 'info', `${event.profile_name ?? ''} ${formatPhone(event.from)}: “${messageText(event.message)}”`];
    case 'whatsapp_status': {
      const kind = event.status === 'failed' ? 'bad' : event.status === 'read' ? 'ok' : '';
      const error = event.error ? ` · ${event.error.code} ${event.error.title}` : '';
      const to = event.recipient ? formatPhone(event.recipient) : event.recipient_user_id;
      return [`status ${event.status}`, kind, `to ${to}${error}`];
    }
    case 'whatsapp_template_status':
      return ['template', event.event === 'APPROVED' ? 'ok' : event.event === 'REJECTED' ? 'bad' : 'warn',
        `${event.name} (${event.language}) → ${event.event}${event.reason && event.reason !== 'NONE' ? ` · ${event.reason}` : ''}`];
    case 'messaging_event':
      return [`${event.object} ${event.field}`, 'info', `from ${event.sender_id}`];
    case 'account_change':
      return [`${event.object} ${event.field}`, '', `account ${event.account_id}`];
    default:
      return [event.kind, '', ''];
  }
}

export default {
  mount(root, session) {
    const list = h('tbody');
    const expanded = new Set();
    const render = () => {
      const all = session.newest(session.events);
      fill(list, all.length ? all.slice(0, SHOWN).map((event) => {
        const [label, kind, text] = describe(event);
        return h('tr', null,
          h('td', { class: 'num' }, event.seq),
          h('td', null, at(event.time)),
          h('td', null, badge(label, kind)),
          h('td', null, h('details', {
            open: expanded.has(event.seq),
            ontoggle: (e) => (e.target.open ? expanded.add(event.seq) : expanded.delete(event.seq)),
          }, h('summary', null, text), jsonBlock(event))));
      }) : h('tr', null, h('td', { colspan: '4', class: 'muted' }, 'Nothing to report yet.')));
    };
    fill(root,
      viewHead('Events', 'What Meta reports by webhook, in order: inbound messages, statuses, template reviews. Deliveries are built from these.'),
      h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Events' },
        h('thead', null, h('tr', null, ['#', 'Time (UTC)', 'Kind', 'What'].map((t) => h('th', { scope: 'col' }, t)))),
        list)));
    render();
    return session.on('events', onFrame(render));
  },
};
