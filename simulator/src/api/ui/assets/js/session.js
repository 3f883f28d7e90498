// One sandbox, live: its stream (GET …/stream) and what the dashboard keeps
// of it — the newest journal entries, events and webhook deliveries, and the
// clock. On `hello` (and after `reset`) the lists are read once from their
// routes; after that the stream brings each item as it happens. Views listen
// to `journal`, `events`, `deliveries`, `clock`, `changed` (coalesced: read
// again what the stream does not carry), `live` and `deleted`.

import { api, sim } from './api.js';
import { coalesce } from './dom.js';

/** How many items of each list the dashboard keeps. */
const KEEP = 500;

function keepNewest(map) {
  if (map.size <= KEEP) return;
  const keys = [...map.keys()].sort((a, b) => a - b);
  for (const key of keys.slice(0, map.size - KEEP)) map.delete(key);
}

export class Session extends EventTarget {
  constructor(sid) {
    super();
    this.sid = sid;
    this.journal = new Map();
    this.events = new Map();
    this.deliveries = new Map();
    this.clock = null;
    this.live = false;
    this.changed = coalesce(() => this.emit('changed'));
  }

  emit(name) {
    this.dispatchEvent(new Event(name));
  }

  on(name, handler) {
    this.addEventListener(name, handler);
    return () => this.removeEventListener(name, handler);
  }

  /**
   * Run `load` (made with `coalesce`) now and after every change; returns
   * what stops it, for a view to call when it goes.
   */
  follow(load, ...also) {
    load();
    const stops = ['changed', ...also].map((name) => this.on(name, load));
    return () => {
      stops.forEach((stop) => stop());
      load.stop();
    };
  }

  start() {
    const source = new EventSource(sim(this.sid, '/stream'));
    this.source = source;
    const listen = (name, handler) =>
      source.addEventListener(name, (message) => handler(JSON.parse(message.data)));
    listen('hello', (data) => this.load(data.clock));
    listen('reset', (data) => this.load(data.clock, true));
    listen('journal', (entry) => this.add(this.journal, entry.seq, entry, 'journal'));
    listen('event', (event) => this.add(this.events, event.seq, event, 'events'));
    listen('delivery', (delivery) => this.add(this.deliveries, delivery.id, delivery, 'deliveries'));
    listen('clock', (clock) => this.setClock(clock));
    listen('changed', () => this.changed());
    listen('deleted', () => {
      this.stop();
      this.emit('deleted');
    });
    source.onopen = () => this.setLive(true);
    source.onerror = () => this.setLive(false);
  }

  stop() {
    this.source?.close();
    this.changed.stop();
    this.setLive(false);
  }

  setLive(live) {
    this.live = live;
    this.emit('live');
  }

  setClock(clock) {
    this.clock = clock;
    this.emit('clock');
  }

  add(map, key, value, name) {
    map.set(key, value);
    keepNewest(map);
    this.emit(name);
  }

  /** Read the lists (after `hello`, or all over again after `reset`). */
  async load(clock, fresh = false) {
    // A realtime clock moves by itself: read where it is now.
    this.setClock(clock.mode === 'realtime' ? await api.get(sim(this.sid, '/clock')) : clock);
    if (fresh) {
      this.journal.clear();
      this.events.clear();
      this.deliveries.clear();
    }
    const [journal, events, deliveries] = await Promise.all([
      api.get(sim(this.sid, `/journal?limit=${KEEP}`)),
      api.get(sim(this.sid, `/events?limit=${KEEP}`)),
      api.get(sim(this.sid, `/webhooks/deliveries?limit=${KEEP}`)),
    ]);
    // Items the stream brought meanwhile are newer; keep them.
    for (const entry of journal.data) if (!this.journal.has(entry.seq)) this.journal.set(entry.seq, entry);
    for (const event of events.data) if (!this.events.has(event.seq)) this.events.set(event.seq, event);
    for (const d of deliveries.data) if (!this.deliveries.has(d.id)) this.deliveries.set(d.id, d);
    keepNewest(this.journal);
    keepNewest(this.events);
    keepNewest(this.deliveries);
    for (const name of ['journal', 'events', 'deliveries', 'changed']) this.emit(name);
  }

  /** Newest first. */
  newest(map) {
    return [...map.values()].sort((a, b) => (b.seq ?? b.id) - (a.seq ?? a.id));
  }
}
