// Message templates and their review, as Meta's reviewers would do it:
// approve, reject with a reason, pause, disable
// (POST …/whatsapp/templates/{id}/review). Pending ones come first.

import { api, sim } from '../api.js';
import { at, attempt, badge, coalesce, empty, fill, h, refill, viewHead } from '../dom.js';

const STATUS = { APPROVED: 'ok', PENDING: 'warn', REJECTED: 'bad', PAUSED: 'warn', DISABLED: 'bad' };
const REASONS = ['INVALID_FORMAT', 'TAG_CONTENT_MISMATCH', 'PROMOTIONAL', 'ABUSIVE_CONTENT', 'SCAM', 'INCORRECT_CATEGORY'];

function preview(template) {
  const parts = (template.components || []).map((c) => {
    const type = (c.type || '').toUpperCase();
    if (type === 'BUTTONS') return h('div', { class: 'muted' }, (c.buttons || []).map((b) => `[${b.text}]`).join(' '));
    if (type === 'HEADER') return h('b', null, c.text ?? `(${c.format?.toLowerCase()} header)`);
    if (type === 'FOOTER') return h('div', { class: 'muted' }, c.text);
    return h('div', null, c.text);
  });
  return h('div', null, parts);
}

function reviewControls(template, review) {
  const name = `${template.name} (${template.language})`;
  const reason = h('select', { name: `reason-${template.id}`, 'aria-label': `Rejection reason for ${name}` },
    REASONS.map((r) => h('option', { value: r }, r.replaceAll('_', ' ').toLowerCase())));
  const button = (label, status, kind = '') => h('button', {
    type: 'button', class: `small ${kind}`, 'aria-label': `${label} ${name}`,
    onclick: () => review(template, status, status === 'REJECTED' ? reason.value : undefined),
  }, label);
  return h('div', { class: 'row' },
    template.status !== 'APPROVED' ? button('Approve', 'APPROVED', 'primary') : null,
    template.status !== 'REJECTED' ? [reason, button('Reject', 'REJECTED', 'danger')] : null,
    template.status === 'APPROVED' ? [button('Pause', 'PAUSED'), button('Disable', 'DISABLED', 'danger')] : null);
}

export default {
  mount(root, session) {
    const body = h('div');
    // What the table shows, to redraw it only when that changed: a redraw
    // replaces the review buttons a person (or a browser test) may be clicking.
    let shown = null;
    const review = (template, status, reason) => attempt(async () => {
      await api.post(sim(session.sid, `/whatsapp/templates/${template.id}/review`), reason ? { status, reason } : { status });
      load();
    }, `${template.name}: ${status.toLowerCase()}`);
    const load = coalesce(async () => {
      const { data } = await api.list(sim(session.sid, '/whatsapp/templates'));
      const order = (t) => (t.status === 'PENDING' ? 0 : 1);
      const sorted = data.slice().sort((a, b) => order(a) - order(b) || a.created_seq - b.created_seq);
      const showing = JSON.stringify(sorted);
      if (showing === shown) return;
      shown = showing;
      refill(body, sorted.length ? h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Templates' },
        h('thead', null, h('tr', null, ['Template', 'Category', 'Status', 'Content', 'Review'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, sorted.map((t) => h('tr', { dataset: { template: t.name } },
          h('td', null, h('b', null, t.name), h('br'), h('span', { class: 'muted' }, `${t.language} · id ${t.id}`)),
          h('td', null, t.category.toLowerCase()),
          h('td', { class: 'status' }, badge(t.status.toLowerCase(), STATUS[t.status]),
            t.rejected_reason ? h('div', { class: 'muted' }, t.rejected_reason) : null,
            t.review_due ? h('div', { class: 'muted' }, `auto-approves ${at(t.review_due)}`) : null),
          h('td', null, preview(t)),
          h('td', null, reviewControls(t, review)))))))
        : empty('No templates. Your integration creates them with POST /{waba-id}/message_templates.'));
    });
    fill(root,
      viewHead('Templates', 'Templates your integration submitted, and their review. Sandboxes created with "template review: by hand" keep new templates pending until you decide.'),
      body);
    return session.follow(load);
  },
};
