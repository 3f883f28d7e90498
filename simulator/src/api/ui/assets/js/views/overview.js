// One sandbox at a glance: what to paste into an SDK (the Graph base URL,
// tokens, ids, app secrets, each with a copy button), its options and
// counts, and the sandbox's lifecycle: reset, snapshot download and
// restore, delete.

import { api, sim } from '../api.js';
import { attempt, coalesce, confirmDialog, copyButton, fill, h, kv, toast, viewHead } from '../dom.js';

function values(title, map, what, columns = false) {
  const entries = Object.entries(map);
  return h('section', { class: 'panel', 'aria-label': title },
    h('h2', null, title),
    entries.length
      ? kv(entries.map(([name, value]) => [name,
        h('span', { class: 'mono', title: value }, value), copyButton(value, `${what} ${name}`)]), columns)
      : h('p', { class: 'muted' }, 'None.'));
}

function lifecycle(session, shell) {
  const { sid } = session;
  const download = () => attempt(async () => {
    const text = await api.text(sim(sid, '/snapshot'));
    const link = h('a', {
      href: URL.createObjectURL(new Blob([text], { type: 'application/json' })),
      download: `metasim-${sid}-snapshot.json`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(link.href);
  });
  const file = h('input', { type: 'file', accept: 'application/json,.json', 'aria-label': 'Snapshot file to restore' });
  const restore = () => attempt(async () => {
    const chosen = file.files[0];
    if (!chosen) throw new Error('Choose a snapshot file first');
    await api.put(sim(sid, '/snapshot'), await chosen.text());
    file.value = '';
  }, 'Snapshot restored');
  const reset = async () => {
    if (await confirmDialog(`Reset ${sid} to its fixture? Everything that happened in it is lost.`, 'Reset')) {
      attempt(() => api.post(sim(sid, '/reset')), 'Sandbox reset');
    }
  };
  const remove = async () => {
    if (await confirmDialog(`Delete ${sid}? Its tokens stop working.`, 'Delete')) {
      // Nothing of this sandbox may ask for it once it is gone.
      shell.leave();
      const done = await attempt(() => api.del(sim(sid)));
      if (done) toast(`Deleted ${sid}`);
      await shell.refreshSandboxes();
      shell.go('#/sandboxes');
    }
  };
  return h('section', { class: 'panel', 'aria-label': 'Lifecycle' },
    h('h2', null, 'Snapshot, reset, delete'),
    h('p', { class: 'muted' }, 'A snapshot is the whole state; restoring it continues exactly where it was (same next ids, same clock).'),
    h('div', { class: 'row' },
      h('button', { type: 'button', onclick: download }, 'Download snapshot'),
      file,
      h('button', { type: 'button', onclick: restore }, 'Restore snapshot'),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', onclick: reset }, 'Reset'),
      h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete sandbox')));
}

/** Everything that follows the sandbox's state (the lifecycle form stays put). */
function render(info, shell) {
  const base = `${location.origin}/${shell.graphVersion}`;
  const control = `${location.origin}${sim(info.id)}`;
  return [
    viewHead(info.id, `Seed ${info.seed} · ${info.options.delivery} webhook delivery · ${info.clock.mode} clock`),
    h('section', { class: 'panel', 'aria-label': 'Connect an integration' },
      h('h2', null, 'Point your integration here'),
      kv([
        ['Graph base URL', h('span', { class: 'mono' }, base), copyButton(base, 'the Graph base URL')],
        ['Control plane', h('span', { class: 'mono' }, control), copyButton(control, 'the control-plane URL')],
        ['Live stream', h('span', { class: 'mono' }, `${control}/stream`)],
      ])),
    h('div', { class: 'grid two' },
      values('Tokens', info.tokens, 'token'),
      values('App secrets', info.app_secrets, 'app secret')),
    values('Ids', info.handles, 'id', true),
    h('section', { class: 'panel', 'aria-label': 'Counts' },
      h('h2', null, 'What it holds'),
      h('div', { class: 'stats' }, Object.entries(info.counts).map(([name, count]) =>
        h('div', { class: 'stat' }, h('b', null, count), h('span', null, name.replaceAll('_', ' ')))))),
  ];
}

export default {
  mount(root, session, shell) {
    const state = h('div');
    fill(root, state, lifecycle(session, shell));
    const load = coalesce(async () => {
      fill(state, render(await api.get(sim(session.sid)), shell));
    });
    return session.follow(load);
  },
};
