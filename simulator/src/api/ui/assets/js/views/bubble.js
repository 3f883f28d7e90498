// One message in a phone's chat, as WhatsApp draws it: text (templates
// with their header and footer), media as a tile (metasim keeps no
// pictures to show), location, contacts, the buttons and list rows that
// can be tapped, reactions, and the time with its ticks. What a bubble
// reads and what a tap sends come from GET …/chats.

import { copyButton, h, hhmm } from '../dom.js';

const MEDIA = {
  image: ['IMG', 'Photo'],
  video: ['VID', 'Video'],
  audio: ['AUD', 'Audio'],
  document: ['DOC', 'Document'],
  sticker: ['STK', 'Sticker'],
};

/** `✓` sent, `✓✓` delivered (or received by the business), blue `✓✓` read. */
function ticks(message) {
  const status = message.status;
  if (status === 'read') return h('span', { class: 'tick read', 'aria-label': 'read' }, '✓✓');
  if (status === 'delivered' || status === 'received') {
    return h('span', { class: 'tick', 'aria-label': status }, '✓✓');
  }
  if (status === 'sent' || status === 'accepted') return h('span', { class: 'tick', 'aria-label': 'sent' }, '✓');
  return null;
}

function mediaTile(type, content) {
  const [icon, label] = MEDIA[type];
  const detail = content.filename || content.mime_type || (content.link ? new URL(content.link, location.href).host : '');
  return h('div', { class: 'media' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, icon),
    h('span', null, h('b', null, label), detail ? h('br') : null, detail));
}

/** The text of a template bubble, its header bold and footer grey. */
function templateText(message) {
  const lines = (message.text || '').split('\n');
  const header = message.template?.header === 'TEXT' ? lines.shift() : null;
  const footer = message.template?.footer ? lines.pop() : null;
  const format = (message.template?.header ?? 'TEXT').toLowerCase();
  const media = format === 'text' ? null : mediaTile(MEDIA[format] ? format : 'document', {});
  return [
    h('span', { class: 'label' }, `Template · ${message.template?.name ?? ''}`),
    media,
    header ? h('span', { class: 'head' }, header) : null,
    h('span', { class: 'text' }, lines.join('\n')),
    footer ? h('span', { class: 'foot' }, footer) : null,
  ];
}

function body(message) {
  const type = message.type;
  const content = message.message?.[type] ?? {};
  if (type === 'template') return templateText(message);
  if (MEDIA[type]) {
    return [mediaTile(type, content), content.caption ? h('span', { class: 'text' }, content.caption) : null];
  }
  if (type === 'location') {
    return [h('span', { class: 'label' }, 'Location'),
      h('span', { class: 'text' }, message.text, content.address && content.name ? `\n${content.address}` : '')];
  }
  if (type === 'contacts') {
    const phone = content[0]?.phones?.[0]?.phone;
    return [h('span', { class: 'label' }, 'Contact'),
      h('span', { class: 'text' }, message.text ?? '', phone ? `\n${phone}` : '')];
  }
  if (type === 'interactive' && !message.from_me) {
    const interactive = content;
    return [
      interactive.header?.text ? h('span', { class: 'head' }, interactive.header.text) : null,
      h('span', { class: 'text' }, message.text ?? ''),
      interactive.footer?.text ? h('span', { class: 'foot' }, interactive.footer.text) : null,
    ];
  }
  return h('span', { class: 'text' }, message.text ?? `[${type}]`);
}

function taps(message, tap, opened) {
  const buttons = (message.buttons || []).map((button) => button.tap
    ? h('button', { type: 'button', onclick: () => tap(button.tap) }, button.label)
    : h('span', { class: 'link-button', title: button.link || '' }, `↗ ${button.label}`));
  const list = message.list;
  let rows = null;
  if (list) {
    rows = h('div', { class: 'list-rows', hidden: !opened.has(message.id) },
      list.sections.map((section) => [
        section.title ? h('h4', null, section.title) : null,
        section.rows.map((row) => h('button', { type: 'button', onclick: () => tap(row.tap) },
          row.label, row.description ? h('small', null, row.description) : null)),
      ]));
    const open = h('button', {
      type: 'button', 'aria-expanded': String(!rows.hidden),
      onclick: () => {
        rows.hidden = !rows.hidden;
        if (rows.hidden) opened.delete(message.id);
        else opened.add(message.id);
        open.setAttribute('aria-expanded', String(!rows.hidden));
      },
    }, `☰ ${list.label}`);
    buttons.push(open);
  }
  if (!buttons.length) return null;
  return [h('div', { class: 'taps' }, buttons), rows];
}

/**
 * A bubble for `message`; `reactions` are the emoji others put on it; `tap`
 * makes a tap's request; `opened` holds the messages whose list is open.
 */
export function bubble(message, reactions, tap, opened) {
  if (message.type === 'system') {
    return h('div', { class: 'system-note' }, message.text ?? 'System message');
  }
  const el = h('div', {
    class: `bubble ${message.from_me ? 'mine' : 'theirs'}${reactions.length ? ' reacted' : ''}`,
    dataset: { id: message.id },
  },
  body(message),
  message.code ? h('div', { class: 'row' }, h('span', { class: 'code' }, message.code), copyButton(message.code, 'the code')) : null,
  taps(message, tap, opened),
  h('div', { class: 'meta' }, h('time', { datetime: message.iso }, hhmm(message.time)), ticks(message)),
  reactions.length ? h('span', { class: 'reactions', 'aria-label': `Reactions ${reactions.join(' ')}` }, reactions.join('')) : null);
  return el;
}
