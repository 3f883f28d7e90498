// A WhatsApp consumer's phone: the chat list, an open chat with its
// window, bubbles and ticks, and a composer to type as the consumer (text,
// a photo, a document, a location). Everything it does is a control-plane
// call as that consumer: …/messages, …/read, or the request a tap names.

import { api, sim } from '../api.js';
import { attempt, composerForm, fill, h, hhmm, span, when } from '../dom.js';
import { bubble } from './bubble.js';

/** `+1 555-010-9999` for North American numbers, `+<digits>` otherwise. */
export function formatPhone(digits) {
  if (!digits) return '';
  if (digits.length === 11 && digits.startsWith('1')) {
    return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  }
  return `+${digits}`;
}

function initials(name) {
  return (name || '?').split(/\s+/).map((word) => word[0]).join('').slice(0, 2).toUpperCase();
}

function verifiedMark(chat) {
  return chat.verified ? h('span', { class: 'verified', title: 'Verified business', 'aria-label': 'verified' }, '✓') : null;
}

/** What the chat list shows of a message. */
function preview(message) {
  if (!message) return '';
  const text = message.text ?? message.type;
  return `${message.from_me ? 'You: ' : ''}${text.split('\n').join(' ')}`;
}

function windowBar(chat, now) {
  if (chat.official || !chat.window) return null;
  const { open, closes_at: closes } = chat.window;
  if (open) {
    return h('div', { class: 'window open', role: 'note' },
      `24-hour window open · closes ${hhmm(closes)} UTC, in ${span(closes - now)}`);
  }
  return h('div', { class: 'window', role: 'note' },
    closes ? `Window closed ${when(closes)} · the business may send templates only`
      : 'No window yet · the business may send templates only');
}

export class Phone {
  /** `refresh` reloads every phone at once (after an action). */
  constructor(session, consumer, refresh) {
    this.session = session;
    this.consumer = consumer;
    this.refresh = refresh;
    this.chats = [];
    this.numbers = null;
    this.open = null;
    /** What the screen shows now (drawn again only when it changes). */
    this.shown = null;
    /** Messages whose list of choices is open. */
    this.lists = new Set();
    this.name = consumer.name || formatPhone(consumer.phone);
    this.head = h('div', { class: 'phone-head' });
    this.window = h('div');
    this.body = h('div', { class: 'phone-body', tabindex: '0', 'aria-label': `${this.name}: screen` });
    this.foot = h('div');
    this.el = h('section', { class: 'phone', 'aria-label': `${this.name}'s phone` },
      h('div', { class: 'phone-status' }, h('span', null, 'WhatsApp'), h('span', null, formatPhone(consumer.phone))),
      this.head, this.window, this.body, this.foot);
  }

  path(rest) {
    return sim(this.session.sid, `/whatsapp/consumers/${this.consumer.phone}${rest}`);
  }

  /** New chats and numbers from the server. */
  update(chats, numbers) {
    // The picker of business numbers is drawn again only when they changed.
    const ids = (list) => list?.map((n) => `${n.id}:${n.registered}`).join();
    const numbersChanged = ids(numbers) !== ids(this.numbers);
    // The screen too: replaced on every reload, it would lose a click aimed at it.
    const shown = JSON.stringify(chats);
    const chatsChanged = shown !== this.shown;
    this.shown = shown;
    this.chats = chats;
    this.numbers = numbers;
    if (numbersChanged) this.renderFoot();
    if (chatsChanged || numbersChanged) this.render();
    else this.renderWindow(this.current());
  }

  /** The open chat's customer-service window, counting down on the clock. */
  renderWindow(chat) {
    if (chat) fill(this.window, windowBar(chat, this.session.clock?.now ?? 0));
    else fill(this.window);
  }

  current() {
    if (!this.open) return null;
    const found = this.chats.find((chat) => chat.chat === this.open);
    if (found) return found;
    const number = this.numbers?.find((n) => n.id === this.open);
    return number && {
      chat: number.id, phone_number_id: number.id, name: number.verified_name, number: number.digits,
      verified: false, official: false, window: { open: false, closes_at: null }, unread: 0, messages: [],
    };
  }

  show(key) {
    this.open = key;
    this.renderFoot();
    this.render(true);
  }

  render(scroll = false) {
    const chat = this.current();
    const atBottom = this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight < 40;
    if (chat) this.renderChat(chat);
    else this.renderList();
    if (chat && (scroll || atBottom)) this.body.scrollTop = this.body.scrollHeight;
  }

  renderList() {
    fill(this.head,
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(this.name)),
      h('div', { class: 'who' }, h('b', null, this.name), h('small', null, 'Chats')));
    this.renderWindow(null);
    const items = this.chats.map((chat) => {
      const last = chat.messages[chat.messages.length - 1];
      return h('button', {
        type: 'button', class: 'chat-item', onclick: () => this.show(chat.chat),
        'aria-label': `Chat with ${chat.name}${chat.unread ? `, ${chat.unread} unread` : ''}`,
      },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(chat.name)),
      h('span', { class: 'line' }, h('b', null, chat.name, verifiedMark(chat)), h('span', null, preview(last))),
      h('span', { class: 'side' }, last ? hhmm(last.time) : '', chat.unread ? h('span', { class: 'unread' }, chat.unread) : null));
    });
    fill(this.body, h('div', { class: 'chat-list' },
      items.length ? items : h('p', { class: 'empty' }, this.consumer.on_whatsapp ? 'No chats yet.' : 'Not on WhatsApp.')));
  }

  renderChat(chat) {
    const back = h('button', { type: 'button', class: 'small', 'aria-label': 'Back to chats', onclick: () => this.show(null) }, '←');
    const read = chat.unread
      ? h('button', {
        type: 'button', class: 'small', onclick: () => this.act(() => api.post(this.path('/read'), {})),
      }, 'Mark read')
      : null;
    fill(this.head, back,
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(chat.name)),
      h('div', { class: 'who' }, h('b', null, chat.name, ' ', verifiedMark(chat)),
        h('small', null, chat.official ? 'Official business account' : `Business · ${formatPhone(chat.number)}`)),
      read);
    this.renderWindow(chat);
    const reactions = new Map();
    const shown = [];
    for (const message of chat.messages) {
      const target = message.type === 'reaction' ? message.message.reaction?.message_id : null;
      if (target && chat.messages.some((m) => m.id === target)) {
        reactions.set(target, [...(reactions.get(target) || []), message.text]);
      } else {
        shown.push(message);
      }
    }
    const tap = (request) => this.act(() => api.post(request.path, request.body));
    fill(this.body, h('div', { class: 'messages', role: 'log', 'aria-label': `Chat with ${chat.name}` },
      shown.map((message) => bubble(message, reactions.get(message.id) || [], tap, this.lists))));
  }

  /** The bottom of the screen: a composer in a business chat, a picker in the list. */
  renderFoot() {
    const chat = this.current();
    if (!this.consumer.on_whatsapp) {
      fill(this.foot, h('div', { class: 'closed-note' }, `${formatPhone(this.consumer.phone)} is not on WhatsApp`));
    } else if (!chat) {
      fill(this.foot, this.picker());
    } else if (chat.official) {
      fill(this.foot, h('div', { class: 'closed-note' }, 'Only the business can write in this chat'));
    } else {
      fill(this.foot, this.composer(chat.phone_number_id));
    }
  }

  picker() {
    const registered = (this.numbers ?? []).filter((n) => n.registered);
    if (!registered.length) return null;
    const select = h('select', { 'aria-label': `New chat for ${this.name}` },
      registered.map((n) => h('option', { value: n.id }, `${n.verified_name} · ${formatPhone(n.digits)}`)));
    return h('form', {
      class: 'composer',
      onsubmit: (event) => {
        event.preventDefault();
        this.show(select.value);
      },
    }, select, h('button', { type: 'submit', class: 'small' }, 'New chat'));
  }

  composer(to) {
    const input = h('input', {
      type: 'text', autocomplete: 'off', placeholder: 'Message',
      'aria-label': `Message as ${this.name}`,
    });
    const send = (message) => this.act(() => api.post(this.path('/messages'), { to, ...message }));
    const attach = (message) => {
      menu.open = false;
      const caption = input.value.trim();
      input.value = '';
      send(message(caption));
    };
    const menu = h('details', { class: 'attach' },
      h('summary', { 'aria-label': 'Attach' }, '+'),
      h('div', { class: 'menu' },
        h('button', { type: 'button', onclick: () => attach((caption) => ({ type: 'image', image: caption ? { caption } : {} })) }, 'Photo'),
        h('button', { type: 'button', onclick: () => attach((caption) => ({ type: 'document', document: { filename: caption || 'document.pdf' } })) }, 'Document'),
        h('button', {
          type: 'button',
          onclick: () => attach((name) => ({ type: 'location', location: { latitude: 37.7749, longitude: -122.4194, name: name || 'My location' } })),
        }, 'Location')));
    return composerForm(input, (text) => send({ type: 'text', text: { body: text } }), menu);
  }

  /** Do something as the consumer, then show its effect. */
  async act(action) {
    if ((await attempt(action)) !== undefined) this.refresh();
  }
}
