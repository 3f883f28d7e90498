// A Messenger or Instagram "phone": what one person (a Facebook user) or
// one Instagram account received and wrote (GET …/facebook/users/{id}/inbox
// and …/sent, or …/instagram/users/{id}/…, read from the start), as chats per
// counterpart — Pages, people, and Instagram accounts when Accounts Center
// links them — with text, attachments, template buttons and quick replies
// to tap (the request the inbox names), reactions and read state, and a
// composer to write as the person (…/messages, …/reactions, …/read).

import { api, sim } from '../api.js';
import { attempt, composerForm, fill, h, hhmm } from '../dom.js';

const APPS = {
  messenger: { label: 'Messenger', collection: 'facebook/users' },
  instagram: { label: 'Instagram', collection: 'instagram/users' },
};

const KINDS = { page: 'Page', facebook_user: 'Facebook', instagram_user: 'Instagram' };

function initials(name) {
  return (name || '?').split(/\s+/).map((word) => word[0]).join('').slice(0, 2).toUpperCase();
}

/** What a received message shows: its text, or a tile per attachment. */
function content(entry) {
  const attachments = entry.message?.attachments
    ?? (entry.message?.attachment ? [entry.message.attachment] : []);
  const tiles = attachments.map((attachment) => {
    const payload = attachment.payload ?? {};
    if (attachment.type === 'template') {
      const elements = payload.elements ?? [];
      return [
        h('span', { class: 'label' }, `Template · ${payload.template_type ?? ''}`),
        payload.text ? h('span', { class: 'text' }, payload.text) : null,
        elements.map((element) => h('span', { class: 'head' }, element.title,
          element.subtitle ? h('small', { class: 'foot' }, element.subtitle) : null)),
      ];
    }
    const detail = payload.url ? new URL(payload.url, location.href).pathname.split('/').pop() : payload.attachment_id ?? '';
    return h('div', { class: 'media' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, attachment.type.slice(0, 3).toUpperCase()),
      h('span', null, h('b', null, attachment.type), detail ? h('br') : null, detail));
  });
  const text = entry.text && !attachments.some((a) => a.payload?.text === entry.text)
    ? h('span', { class: 'text' }, entry.text) : null;
  return [tiles, text];
}

/** The buttons and quick replies of a message, tapped by the person. */
function taps(entry, tap) {
  const buttons = (entry.buttons || []).map((button) => (button.tap
    ? h('button', { type: 'button', onclick: () => tap(button.tap) }, button.label)
    : h('span', { class: 'link-button', title: button.link || '' }, `↗ ${button.label}`)));
  const replies = (entry.quick_replies || []).map((reply) =>
    h('button', { type: 'button', class: 'small', onclick: () => tap(reply.tap) }, reply.label));
  return [
    buttons.length ? h('div', { class: 'taps' }, buttons) : null,
    replies.length ? h('div', { class: 'quick-replies', role: 'group', 'aria-label': 'Quick replies' }, replies) : null,
  ];
}

export class DmPhone {
  /**
   * `app` is `messenger` or `instagram`; `person` as the control plane
   * lists it; `refresh` reloads every phone (after an action).
   */
  constructor(session, app, person, refresh) {
    this.session = session;
    this.app = app;
    this.person = person;
    this.refresh = refresh;
    this.inbox = [];
    this.sent = [];
    this.reachable = [];
    this.open = null;
    this.shown = null;
    this.name = app === 'instagram' ? `@${person.username}` : person.name;
    this.head = h('div', { class: 'phone-head' });
    this.body = h('div', { class: 'phone-body', tabindex: '0', 'aria-label': `${this.name}: ${APPS[app].label} screen` });
    this.foot = h('div');
    this.el = h('section', { class: `phone dm ${app}`, 'aria-label': `${this.name}'s ${APPS[app].label}` },
      h('div', { class: 'phone-status' }, h('span', null, APPS[app].label), h('span', null, this.name)),
      this.head, this.body, this.foot);
  }

  path(rest) {
    return sim(this.session.sid, `/${APPS[this.app].collection}/${this.person.id}${rest}`);
  }

  /** What the person received and wrote, and whom they may start a chat with. */
  update(inbox, sent, reachable) {
    const changedPeople = reachable.map((r) => r.id).join() !== this.reachable.map((r) => r.id).join();
    // Drawn again only when what it shows changed: a screen replaced on every
    // reload would lose a click (or the hover) aimed at it meanwhile.
    const shown = JSON.stringify([inbox, sent]);
    const changedMessages = shown !== this.shown;
    this.shown = shown;
    this.inbox = inbox;
    this.sent = sent;
    this.reachable = reachable;
    if (changedMessages || changedPeople) this.render();
    if (changedPeople || !this.foot.hasChildNodes()) this.renderFoot();
  }

  /** Messages grouped by the other side (`from`), oldest first; the most recent chat first. */
  chats() {
    const chats = new Map();
    const add = (other, entry) => {
      const chat = chats.get(other.id) ?? { from: other, messages: [] };
      chat.messages.push(entry);
      chats.set(other.id, chat);
    };
    for (const entry of this.inbox) add(entry.from, entry);
    for (const entry of this.sent) add(entry.to, entry);
    const chatList = [...chats.values()];
    for (const chat of chatList) chat.messages.sort((a, b) => a.time_ms - b.time_ms);
    return chatList.sort((a, b) => b.messages.at(-1).time_ms - a.messages.at(-1).time_ms);
  }

  show(id) {
    this.open = id;
    this.render(true);
    this.renderFoot();
  }

  current() {
    if (!this.open) return null;
    const chat = this.chats().find((c) => c.from.id === this.open);
    if (chat) return chat;
    const other = this.reachable.find((r) => r.id === this.open);
    return other && { from: other, messages: [] };
  }

  render(scroll = false) {
    const chat = this.current();
    if (chat) this.renderChat(chat, scroll);
    else this.renderList();
  }

  renderList() {
    fill(this.head,
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(this.person.name || this.person.username)),
      h('div', { class: 'who' }, h('b', null, this.name), h('small', null, 'Chats')));
    const items = this.chats().map((chat) => {
      const last = chat.messages.at(-1);
      const unread = chat.messages.filter((m) => m.from && !m.read).length;
      return h('button', {
        type: 'button', class: 'chat-item', onclick: () => this.show(chat.from.id),
        'aria-label': `Chat with ${chat.from.name}${unread ? `, ${unread} unread` : ''}`,
      },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(chat.from.name)),
      h('span', { class: 'line' }, h('b', null, chat.from.name), h('span', null, `${last.to ? 'You: ' : ''}${last.text ?? '[attachment]'}`)),
      h('span', { class: 'side' }, hhmm(last.time_ms / 1000), unread ? h('span', { class: 'unread' }, unread) : null));
    });
    fill(this.body, h('div', { class: 'chat-list' }, items.length ? items : h('p', { class: 'empty' }, 'No messages received yet.')));
  }

  renderChat(chat, scroll) {
    const atBottom = this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight < 40;
    const unread = chat.messages.some((m) => m.from && !m.read);
    fill(this.head,
      h('button', { type: 'button', class: 'small', 'aria-label': 'Back to chats', onclick: () => this.show(null) }, '←'),
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(chat.from.name)),
      h('div', { class: 'who' }, h('b', null, chat.from.name),
        h('small', null, [KINDS[chat.from.type] ?? chat.from.type, chat.from.username ? ` · @${chat.from.username}` : ''])),
      unread ? h('button', {
        type: 'button', class: 'small', onclick: () => this.act(() => api.post(this.path('/read'), { from: chat.from.id })),
      }, 'Mark read') : null);
    const tap = (request) => this.act(() => api.post(request.path, request.body));
    fill(this.body, h('div', { class: 'messages', role: 'log', 'aria-label': `Chat with ${chat.from.name}` },
      chat.messages.length ? chat.messages.map((entry) => (entry.to ? this.mine(entry) : this.bubble(entry, tap)))
        : h('p', { class: 'system-note' }, 'Write the first message.')));
    if (scroll || atBottom) this.body.scrollTop = this.body.scrollHeight;
  }

  /** "via Instagram" on a message of the other app (through Accounts Center). */
  via(entry) {
    return entry.platform === this.app ? null : h('span', { class: 'label' }, `via ${APPS[entry.platform]?.label ?? entry.platform}`);
  }

  /** What the person wrote: ✓ sent, blue ✓✓ read by the other side. */
  mine(entry) {
    return h('div', { class: 'bubble mine', dataset: { id: entry.mid } },
      this.via(entry),
      content(entry),
      h('div', { class: 'meta' }, h('time', { datetime: entry.iso }, hhmm(entry.time_ms / 1000)),
        h('span', { class: entry.read ? 'tick read' : 'tick', 'aria-label': entry.read ? 'read' : 'sent' }, entry.read ? ' ✓✓' : ' ✓')));
  }

  bubble(entry, tap) {
    const react = entry.reaction
      ? { label: 'Remove reaction', body: { mid: entry.mid, action: 'unreact' }, text: '✕' }
      : { label: 'React with love', body: { mid: entry.mid, reaction: 'love' }, text: '❤' };
    return h('div', { class: `bubble theirs${entry.reaction ? ' reacted' : ''}`, dataset: { id: entry.mid } },
      this.via(entry),
      content(entry),
      taps(entry, tap),
      h('div', { class: 'meta' },
        h('button', {
          type: 'button', class: 'react', 'aria-label': react.label,
          onclick: () => this.act(() => api.post(this.path('/reactions'), react.body)),
        }, react.text),
        ' ', h('time', { datetime: entry.iso }, hhmm(entry.time_ms / 1000)),
        h('span', { class: entry.read ? 'tick read' : 'tick', 'aria-label': entry.read ? 'read' : 'unread' }, entry.read ? ' ✓✓' : ' •')),
      entry.reaction ? h('span', { class: 'reactions', 'aria-label': `Reaction ${entry.reaction}` }, entry.reaction) : null);
  }

  /** A composer in a chat; in the list, a picker of whom to write to. */
  renderFoot() {
    const chat = this.current();
    if (chat) {
      fill(this.foot, this.composer(chat.from.id));
      return;
    }
    if (!this.reachable.length) {
      fill(this.foot);
      return;
    }
    const select = h('select', { 'aria-label': `New chat for ${this.name}` },
      this.reachable.map((r) => h('option', { value: r.id }, `${r.name} · ${KINDS[r.type]}`)));
    fill(this.foot, h('form', {
      class: 'composer',
      onsubmit: (event) => {
        event.preventDefault();
        this.show(select.value);
      },
    }, select, h('button', { type: 'submit', class: 'small' }, 'New chat')));
  }

  composer(to) {
    const input = h('input', { type: 'text', autocomplete: 'off', placeholder: 'Message', 'aria-label': `Message as ${this.name}` });
    return composerForm(input, (text) => this.act(() => api.post(this.path('/messages'), { to, message: { text } }),
      `Sent to ${this.current()?.from.name ?? to}`));
  }

  /** Do something as the person, then show its effect. */
  async act(action, done) {
    if ((await attempt(action, done)) !== undefined) this.refresh();
  }
}
