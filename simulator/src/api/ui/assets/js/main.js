// The dashboard's shell: the sandbox picker, the section links, the clock
// and live indicator, and a hash router — `#/sandboxes` for every sandbox,
// `#/s/{sid}/{section}` for one. One Session (one stream) per open sandbox.

import { api } from './api.js';
import { ClockBar } from './clock.js';
import { fill, h, toast } from './dom.js';
import { Session } from './session.js';
import accountsCenter from './views/accounts-center.js';
import events from './views/events.js';
import faults from './views/faults.js';
import instagram from './views/instagram.js';
import journal from './views/journal.js';
import messaging from './views/messaging.js';
import overview from './views/overview.js';
import pages from './views/pages.js';
import phones from './views/phones.js';
import sandboxes from './views/sandboxes.js';
import templates from './views/templates.js';
import webhooks from './views/webhooks.js';

const SECTIONS = [
  ['overview', 'Overview', overview],
  ['phones', 'Phones', phones],
  ['journal', 'Journal', journal],
  ['webhooks', 'Webhooks', webhooks],
  ['events', 'Events', events],
  ['templates', 'Templates', templates],
  ['faults', 'Faults', faults],
  ['pages', 'Pages & WhatsApp', pages],
  ['instagram', 'Instagram', instagram],
  ['messaging', 'Messenger & Instagram', messaging],
  ['accounts-center', 'Accounts Center', accountsCenter],
];

const view = document.getElementById('view');
const nav = document.getElementById('sections');
const picker = document.getElementById('sandbox-select');
const live = document.getElementById('live');
const clock = new ClockBar(document.getElementById('clock'));
const graphVersion = document.querySelector('meta[name="metasim-graph-version"]').content;

let session = null;
let unmount = null;
let unwatch = [];

/** What every view gets besides its session. */
const shell = {
  graphVersion,
  go: (hash) => { location.hash = hash; },
  refreshSandboxes: () => listSandboxes(),
  /** Close the open sandbox at once (its view and stream), e.g. before deleting it. */
  leave: () => {
    unmount?.();
    unmount = null;
    view.replaceChildren();
    closeSession();
  },
};

async function listSandboxes() {
  const { data } = await api.list('/_sim/sandboxes');
  const current = session?.sid;
  fill(picker,
    h('option', { value: '' }, 'All sandboxes…'),
    data.map((s) => h('option', { value: s.id, selected: s.id === current }, s.id)));
  picker.value = current && data.some((s) => s.id === current) ? current : '';
  return data;
}

function parse() {
  const [, kind, sid, section] = location.hash.split('/');
  if (kind === 's' && sid) return { sid: decodeURIComponent(sid), section: section || 'overview' };
  return { sid: null, section: 'sandboxes' };
}

function renderNav(sid, section) {
  const link = (href, label, current) =>
    h('a', { href, 'aria-current': current ? 'page' : null }, label);
  fill(nav,
    link('#/sandboxes', 'All sandboxes', section === 'sandboxes'),
    sid ? [h('hr'), SECTIONS.map(([key, label]) =>
      link(`#/s/${encodeURIComponent(sid)}/${key}`, label, key === section))] : null);
}

function renderLive() {
  live.hidden = !session;
  live.classList.toggle('on', Boolean(session?.live));
  live.textContent = session?.live ? 'Live' : 'Connecting…';
}

function openSession(sid) {
  if (session?.sid === sid) return;
  closeSession();
  session = new Session(sid);
  unwatch = [
    session.on('live', renderLive),
    session.on('deleted', () => {
      toast(`Sandbox ${sid} was deleted`);
      closeSession();
      location.hash = '#/sandboxes';
    }),
  ];
  session.start();
  clock.bind(session);
  renderLive();
}

function closeSession() {
  unwatch.forEach((stop) => stop());
  unwatch = [];
  session?.stop();
  session = null;
  clock.bind(null);
  renderLive();
}

let routing = 0;

async function route() {
  const turn = ++routing;
  unmount?.();
  unmount = null;
  let { sid, section } = parse();
  const all = await listSandboxes().catch((error) => {
    toast(error.message, 'error');
    return [];
  });
  if (turn !== routing) return;
  if (sid && !all.some((s) => s.id === sid)) {
    toast(`No sandbox ${sid}`, 'error');
    location.hash = '#/sandboxes';
    return;
  }
  const found = SECTIONS.find(([key]) => key === section);
  if (sid && !found) section = 'overview';
  if (sid) openSession(sid);
  else closeSession();
  picker.value = sid || '';
  renderNav(sid, section);
  const module = sid ? (found ? found[2] : overview) : sandboxes;
  const title = sid ? `${found ? found[1] : 'Overview'} · ${sid}` : 'Sandboxes';
  document.title = `${title} · metasim`;
  view.replaceChildren();
  unmount = module.mount(view, session, shell) || null;
  view.focus();
}

picker.addEventListener('change', () => {
  const { section } = parse();
  location.hash = picker.value
    ? `#/s/${encodeURIComponent(picker.value)}/${section === 'sandboxes' ? 'overview' : section}`
    : '#/sandboxes';
});

window.addEventListener('hashchange', route);

// The hash is the router's: the skip link moves the focus instead.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  view.focus();
});

async function start() {
  if (!location.hash) {
    const all = await listSandboxes().catch(() => []);
    // Changing the hash routes.
    location.replace(all.some((s) => s.id === 'default') ? '#/s/default/overview' : '#/sandboxes');
    return;
  }
  route();
}

start();
