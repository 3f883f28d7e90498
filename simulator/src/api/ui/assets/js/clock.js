// The sandbox's clock in the top bar: the virtual time, and buttons that
// move it (POST …/clock/advance). A realtime clock ticks here between the
// readings the session makes.

import { api, sim } from './api.js';
import { attempt, fill, h, when } from './dom.js';

const STEPS = [['+1 min', 60], ['+1 h', 3600], ['+1 day', 86400]];
const UNITS = [['minutes', 60], ['hours', 3600], ['days', 86400]];

export class ClockBar {
  constructor(root) {
    this.root = root;
    this.session = null;
    this.ticker = null;
  }

  /** Follow another sandbox (or none). */
  bind(session) {
    this.unbind?.();
    clearInterval(this.ticker);
    this.session = session;
    this.root.hidden = !session;
    if (!session) return;
    this.unbind = session.on('clock', () => this.render());
    this.render();
  }

  advance(seconds) {
    const { sid } = this.session;
    return attempt(async () => {
      const clock = await api.post(sim(sid, '/clock/advance'), { seconds });
      // The stream says so too; show it at once.
      if (this.session?.sid === sid) this.session.setClock(clock);
    });
  }

  render() {
    const clock = this.session?.clock;
    clearInterval(this.ticker);
    if (!clock) {
      fill(this.root);
      return;
    }
    const time = h('time', { datetime: clock.iso, 'aria-label': 'Sandbox time' }, when(clock.now));
    if (clock.mode === 'realtime') {
      const seen = Date.now();
      this.ticker = setInterval(() => {
        const now = clock.now + Math.floor((Date.now() - seen) / 1000);
        time.textContent = when(now);
      }, 1000);
    }
    const amount = h('input', { type: 'number', min: '1', value: '2', 'aria-label': 'How much to advance' });
    const unit = h('select', { 'aria-label': 'Unit' }, UNITS.map(([label, size]) => h('option', { value: size }, label)));
    const custom = h('form', {
      onsubmit: (e) => {
        e.preventDefault();
        const seconds = Number(amount.value) * Number(unit.value);
        if (Number.isInteger(seconds) && seconds > 0) this.advance(seconds);
      },
    }, amount, unit, h('button', { type: 'submit' }, 'Advance'));
    fill(this.root,
      h('span', { class: 'mode' }, clock.mode === 'realtime' ? 'realtime' : 'virtual clock'),
      time,
      STEPS.map(([label, seconds]) => h('button', {
        type: 'button', class: 'small', 'aria-label': `Advance the clock ${label.slice(1)}`,
        onclick: () => this.advance(seconds),
      }, label)),
      custom);
  }
}
