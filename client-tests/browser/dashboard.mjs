// Drives metasim's dashboard (/_sim/ui) in headless Chromium the way a
// person uses it, one scenario per run: `node dashboard.mjs <scenario>`.
// Run by client-tests/tests/dashboard.rs, which starts metasim, prepares
// the sandbox and checks metasim's state afterwards. Where a scenario needs
// an integration (a webhook receiver that answers "Help", a template
// submitted, a Graph call that meets a fault), this script plays it over
// HTTP. It prints one JSON line per step on stdout, waits for every
// condition with a bound (never a fixed sleep), saves screenshots to
// METASIM_SCREENSHOTS, and fails on any console error of the page.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** How long any one condition may take to come true. */
const PATIENCE = 20_000;
const GRAPH = 'v26.0';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const BASE = env('METASIM_URL');

function step(name, result = null) {
  process.stdout.write(`${JSON.stringify({ step: name, result })}\n`);
}

/** A Graph API call as the integration makes it; `{status, body}`. */
async function graph(method, route, token, body) {
  const init = { method, headers: { authorization: `Bearer ${token}` } };
  if (body) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${BASE}/${GRAPH}${route}`, init);
  return { status: response.status, body: await response.json() };
}

/** The sandbox the Rust test prepared. */
function sandbox() {
  return {
    id: env('METASIM_SANDBOX'),
    token: env('METASIM_TOKEN'),
    phone: env('METASIM_PHONE_ID'),
    waba: env('METASIM_WABA_ID'),
  };
}

/** Subscribe the app to the WABA's messages at the bot's URL, as the integration does. */
async function subscribe(bot) {
  const app = env('METASIM_APP_ID');
  const subscribed = await fetch(`${BASE}/${GRAPH}/${app}/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      access_token: `${app}|${env('METASIM_APP_SECRET')}`, object: 'whatsapp_business_account',
      callback_url: bot.url, verify_token: 'dashboard-bot', fields: 'messages',
    }),
  }).then((r) => r.json());
  const waba = await graph('POST', `/${env('METASIM_WABA_ID')}/subscribed_apps`, env('METASIM_TOKEN'));
  step('subscribed', { app: subscribed, waba: waba.body });
}

/** Open Chromium with a fresh profile, run `scenario`, screenshot, close. */
async function browse(name, scenario) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'metasim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env('METASIM_CHROMIUM'),
    headless: true,
    viewport: { width: 1366, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const shot = (label) => page.screenshot({ path: path.join(env('METASIM_SCREENSHOTS'), `${label}.png`) });
  try {
    await scenario(page, context, shot);
  } catch (error) {
    // What the page said meanwhile explains most timeouts.
    const toasts = await page.locator('.toast').allInnerTexts().catch(() => []);
    const said = [...problems, ...toasts.map((text) => `toast: ${text}`)];
    if (said.length) error.message += `\nthe page said:\n${said.join('\n')}`;
    throw error;
  } finally {
    await shot(name).catch(() => {});
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length) throw new Error(`the page logged errors:\n${problems.join('\n')}`);
}

/** Wait until `locator` shows (and contains `text`, when given). */
async function see(locator, text) {
  const target = text === undefined ? locator : locator.filter({ hasText: text });
  await target.first().waitFor({ state: 'visible', timeout: PATIENCE });
  return target.first();
}

/** Wait until `locator` is gone. */
async function gone(locator) {
  await locator.first().waitFor({ state: 'detached', timeout: PATIENCE });
}

async function open(page, hash) {
  await page.goto(`${BASE}/_sim/ui${hash}`);
  await see(page.locator('#live.on'));
}

async function section(page, label) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: label, exact: true }).click();
  await see(page.getByRole('heading', { level: 1, name: label }));
}

/** A consumer's phone, with a chat with the demo business open. */
async function chatWithBusiness(page, person) {
  const phone = page.getByRole('region', { name: `${person}'s phone` });
  await see(phone);
  await phone.getByRole('button', { name: 'New chat' }).click();
  return phone;
}

/** Type as the consumer and send with the keyboard. */
async function type(phone, person, text) {
  const box = phone.getByLabel(`Message as ${person}`);
  await box.fill(text);
  await box.press('Enter');
  return see(phone.locator('.bubble.mine'), text);
}

/** In a Messenger or Instagram phone, start a chat with `to` (its option's label) and write `text`. */
async function writeTo(page, phone, person, to, text) {
  await phone.getByLabel(`New chat for ${person}`).selectOption({ label: to });
  await phone.getByRole('button', { name: 'New chat' }).click();
  const box = phone.getByLabel(`Message as ${person}`);
  await box.fill(text);
  await box.press('Enter');
  await see(page.locator('.toast'), `Sent to ${to.split(' · ')[0]}`);
}

const scenarios = {
  /** Create a sandbox from the form, copy a token, snapshot, restore, reset, delete. */
  async lifecycle() {
    await browse('lifecycle', async (page, context, shot) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
      await page.goto(`${BASE}/_sim/ui#/sandboxes`);
      const form = page.getByRole('form', { name: 'Create a sandbox' });
      await see(form);
      await form.getByLabel('Sandbox id').fill('ui-demo');
      await form.getByLabel('Seed').fill('7');
      await form.getByLabel('Webhook delivery').selectOption('auto');
      await form.getByRole('button', { name: 'Create sandbox' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'ui-demo' }));
      await see(page.locator('#live.on'));
      step('created', { hash: new URL(page.url()).hash, intro: await page.locator('.view-head p').first().textContent() });

      const connect = page.getByRole('region', { name: 'Connect an integration' });
      const baseUrl = await connect.locator('dd .mono').first().textContent();
      await page.getByRole('button', { name: 'Copy token system_user_token' }).click();
      await see(page.locator('.toast'), 'Copied token system_user_token');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      step('copied', { base_url: baseUrl, token: copied });

      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: PATIENCE }),
        page.getByRole('button', { name: 'Download snapshot' }).click(),
      ]);
      const snapshot = await download.path();
      step('downloaded', { file: download.suggestedFilename(), id: JSON.parse(fs.readFileSync(snapshot, 'utf8')).id });

      await page.getByRole('button', { name: 'Advance the clock 1 h' }).click();
      await see(page.locator('#clock time'), '01:00:00');
      await page.getByLabel('Snapshot file to restore').setInputFiles(snapshot);
      await page.getByRole('button', { name: 'Restore snapshot' }).click();
      await see(page.locator('#clock time'), '00:00:00');
      step('restored', { clock: await page.locator('#clock time').textContent() });

      await page.getByRole('button', { name: 'Advance the clock 1 day' }).click();
      await see(page.locator('#clock time'), 'Fri, 2 Jan 2026');
      await page.getByRole('button', { name: 'Reset', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
      await see(page.locator('#clock time'), 'Thu, 1 Jan 2026, 00:00:00');
      step('reset', { clock: await page.locator('#clock time').textContent() });
      await shot('lifecycle-overview');

      await page.getByRole('button', { name: 'Delete sandbox' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Sandboxes' }));
      await gone(page.getByRole('region', { name: 'All sandboxes' }).getByRole('link', { name: 'ui-demo' }));
      step('deleted', { hash: new URL(page.url()).hash });
    });
  },

  /** Alice writes "Help" from her phone, a bot answers with buttons, she taps one. */
  async help() {
    const { id, token, phone } = sandbox();
    const secret = env('METASIM_APP_SECRET');
    const send = (to, kind, content) => graph('POST', `/${phone}/messages`, token, {
      messaging_product: 'whatsapp', to, type: kind, [kind]: content,
    });
    const bot = await startBot(secret, (message, name) => {
      if (message.text?.body?.trim().toLowerCase() === 'help') {
        return send(message.from, 'interactive', {
          type: 'button', body: { text: 'How can we help?' }, action: { buttons: [
            { type: 'reply', reply: { id: 'track', title: 'Track my order' } },
            { type: 'reply', reply: { id: 'person', title: 'Talk to a person' } },
          ] },
        });
      }
      if (message.interactive?.button_reply?.id === 'track') {
        return send(message.from, 'template', {
          name: 'order_update', language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: name.split(' ')[0] }, { type: 'text', text: 'A-1042' }] }],
        });
      }
      return null;
    });
    try {
      await subscribe(bot);
      await browse('help', async (page, _context, shot) => {
        await open(page, `#/s/${id}/phones`);
        const alice = await chatWithBusiness(page, 'Alice Rivera');
        await type(alice, 'Alice Rivera', 'Help');
        await see(alice.locator('.bubble.theirs'), 'How can we help?');
        await alice.getByRole('button', { name: 'Track my order' }).click();
        await see(alice.locator('.bubble.mine'), 'Track my order');
        const template = await see(alice.locator('.bubble.theirs'), 'A-1042');
        await alice.getByRole('button', { name: 'Mark read' }).click();
        await see(template.locator('.tick.read'));
        await see(alice.locator('.window.open'));
        step('phone', {
          mine: await alice.locator('.bubble.mine .text').allTextContents(),
          theirs: await alice.locator('.bubble.theirs .text').allTextContents(),
          template: await template.locator('.label').textContent(),
          window: await alice.locator('.window').textContent(),
        });
        await shot('help-phones');

        await section(page, 'Journal');
        const row = await see(page.getByRole('row'), `/${GRAPH}/${phone}/messages`);
        await row.focus();
        await page.keyboard.press('Enter');
        const request = page.getByRole('region', { name: 'Request' });
        await see(request.locator('pre'), 'order_update');
        step('journal', { row: await row.innerText() });

        await section(page, 'Events');
        const event = await see(page.getByRole('row'), '“Help”');
        step('events', { row: await event.innerText() });

        await section(page, 'Webhooks');
        const delivery = await see(page.getByRole('row').filter({ hasText: 'text “Help”' }), 'delivered');
        await delivery.click();
        const detail = page.getByRole('region', { name: 'Delivery' });
        await see(detail.locator('pre'), '"Help"');
        step('webhooks', {
          row: await delivery.innerText(),
          signature: await detail.locator('dd .mono').first().textContent(),
        });
      });
    } finally {
      bot.close();
    }
    step('bot', { answered: bot.answered });
  },

  /** A receiver that fails once: the attempt, the retry schedule, Deliver now. */
  async retries() {
    const { id } = sandbox();
    const bot = await startBot(env('METASIM_APP_SECRET'), () => null, 1);
    try {
      await subscribe(bot);
      await browse('retries', async (page) => {
        await open(page, `#/s/${id}/phones`);
        const alice = await chatWithBusiness(page, 'Alice Rivera');
        await type(alice, 'Alice Rivera', 'Where is my order?');
        await section(page, 'Webhooks');
        const row = () => page.getByRole('table', { name: 'Webhook deliveries' }).locator('tbody tr').filter({ hasText: 'Where is my order?' });
        await see(row(), 'pending');
        await row().click();
        const detail = page.getByRole('region', { name: 'Delivery' });
        await see(detail, 'Not attempted yet.');
        const deliver = page.getByRole('button', { name: 'Deliver now' });
        await deliver.click();
        await see(page.locator('.toast'), '1 attempt, 1 failed');
        await see(row(), 'HTTP 500');
        const next = await see(detail.locator('li'), 'Next attempt');
        step('failed', { row: await row().innerText(), next: await next.textContent() });
        await page.getByRole('button', { name: 'Advance the clock 1 min' }).click();
        await see(row(), 'due now');
        await deliver.click();
        await see(page.locator('.toast'), '1 attempt, 0 failed');
        await see(row(), 'delivered');
        step('delivered', { row: await row().innerText(), attempts: await detail.locator('table tbody tr').allInnerTexts() });
      });
    } finally {
      bot.close();
    }
    step('bot', { posts: bot.posts });
  },

  /** Templates the integration submitted: approve one, reject one with a reason. */
  async review() {
    const { id, token, waba, phone } = sandbox();
    for (const [name, category, text] of [
      ['autumn_sale', 'MARKETING', '{{1}} off all bulbs until Sunday.'],
      ['bulb_reminder', 'UTILITY', 'Time to plant your bulbs, {{1}}!'],
    ]) {
      const created = await graph('POST', `/${waba}/message_templates`, token, {
        name, language: 'en_US', category, components: [{ type: 'BODY', text }],
      });
      step(`submitted ${name}`, created.body);
    }
    await browse('review', async (page) => {
      await open(page, `#/s/${id}/templates`);
      const status = (name) => page.locator(`tr[data-template="${name}"] td.status`);
      await see(status('autumn_sale'), 'pending');
      await page.getByRole('button', { name: 'Approve autumn_sale (en_US)' }).click();
      await see(status('autumn_sale'), 'approved');
      await page.getByLabel('Rejection reason for bulb_reminder (en_US)').selectOption('PROMOTIONAL');
      await page.getByRole('button', { name: 'Reject bulb_reminder (en_US)' }).click();
      await see(status('bulb_reminder'), 'rejected');
      step('reviewed', {
        autumn_sale: await status('autumn_sale').innerText(),
        bulb_reminder: await status('bulb_reminder').innerText(),
      });
      await section(page, 'Events');
      await see(page.getByRole('row'), 'autumn_sale (en_US) → APPROVED');
      await see(page.getByRole('row'), 'bulb_reminder (en_US) → REJECTED · PROMOTIONAL');
      step('events', await page.getByRole('table', { name: 'Events' }).locator('tbody tr').allInnerTexts());
    });
    const sent = await graph('POST', `/${phone}/messages`, token, {
      messaging_product: 'whatsapp', to: '15550109999', type: 'template',
      template: { name: 'autumn_sale', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '15%' }] }] },
    });
    step('sent approved', { status: sent.status });
  },

  /** Alice writes, a day passes on the clock, the window closes. */
  async window() {
    const { id, token, phone } = sandbox();
    await browse('window', async (page, _context, shot) => {
      await open(page, `#/s/${id}/phones`);
      const alice = await chatWithBusiness(page, 'Alice Rivera');
      await type(alice, 'Alice Rivera', 'Is my order on its way?');
      const open24 = await see(alice.locator('.window.open'));
      step('open', { window: await open24.textContent(), clock: await page.locator('#clock time').textContent() });
      await page.getByRole('button', { name: 'Advance the clock 1 day' }).click();
      await see(page.locator('#clock time'), 'Fri, 2 Jan 2026');
      const closed = await see(alice.locator('.window:not(.open)'), 'Window closed');
      step('closed', { window: await closed.textContent(), clock: await page.locator('#clock time').textContent() });
      await shot('window-phones');
      const late = await graph('POST', `/${phone}/messages`, token, {
        messaging_product: 'whatsapp', to: '15550109999', type: 'text', text: { body: 'Still there?' },
      });
      await section(page, 'Events');
      const failed = await see(page.getByRole('row'), '131047');
      step('failed', { accepted: late.status, event: await failed.innerText() });
    });
  },

  /** A fault added from the form makes the next Graph call fail, then goes. */
  async fault() {
    const { id, token, phone } = sandbox();
    await browse('fault', async (page, _context, shot) => {
      await open(page, `#/s/${id}/faults`);
      const form = page.getByRole('form', { name: 'Add a fault' });
      await form.getByLabel('How many calls').fill('1');
      await form.getByRole('button', { name: 'Add fault' }).click();
      const rule = await see(page.getByRole('table', { name: 'Fault rules' }).locator('tbody tr'), '131000 · HTTP 500');
      step('added', { rule: await rule.innerText() });

      const call = await graph('GET', `/${phone}?fields=id,display_phone_number`, token);
      step('call', call);
      await section(page, 'Journal');
      await page.getByLabel('Status').selectOption('server');
      const row = await see(page.getByRole('table', { name: 'Journal' }).locator('tbody tr'), '500');
      await row.click();
      await see(page.getByRole('region', { name: 'Request' }).locator('pre'), '131000');
      step('journal', { row: await row.innerText() });
      await shot('fault-journal');

      await section(page, 'Faults');
      await see(page.getByRole('table', { name: 'Fault rules' }).locator('tbody tr'), '131000');
      const hits = await page.getByRole('table', { name: 'Fault rules' }).locator('tbody tr td.num').textContent();
      await page.getByRole('button', { name: /^Remove fault / }).click();
      await see(page.locator('.empty'), 'No faults');
      const again = await graph('GET', `/${phone}?fields=id`, token);
      step('removed', { hits, status: again.status });
    });
  },

  /** Alice links WhatsApp Web from her phone's linked devices, then logs it out. */
  async devices() {
    const { id } = sandbox();
    await browse('devices', async (page, _context, shot) => {
      await open(page, `#/s/${id}/phones`);
      const panel = page.getByRole('region', { name: "Alice Rivera's linked devices" });
      await see(panel.locator('li'), 'primary');
      await panel.getByRole('button', { name: 'Link WhatsApp Web' }).click();
      await see(page.locator('.toast'), 'WhatsApp Web linked');
      const web = await see(panel.locator('li'), 'WhatsApp Web');
      step('linked', { device: await web.innerText() });
      await panel.scrollIntoViewIfNeeded();
      await shot('devices-phones');
      await panel.getByRole('button', { name: 'Log out WhatsApp Web' }).click();
      const out = await see(panel.locator('li.muted'), 'logged out');
      step('logged out', { device: await out.innerText() });
    });
  },

  /** Instagram's WhatsApp contact option by code, and the Page ↔ WhatsApp link. */
  async linking() {
    const { id } = sandbox();
    await browse('linking', async (page, _context, shot) => {
      await open(page, `#/s/${id}/instagram`);
      await page.getByRole('button', { name: 'Contact' }).click();
      const sheet = page.getByRole('region', { name: 'Contact luckyshrub' });
      await see(sheet, 'hello@luckyshrub.example');
      await page.getByRole('button', { name: 'Contact' }).click();
      await page.getByRole('button', { name: 'Send code' }).click();
      await see(page.locator('.panel'), 'Code sent to +15550109000');

      await section(page, 'Phones');
      const maya = page.getByRole('region', { name: "Maya Lopez's phone" });
      await maya.getByRole('button', { name: /^Chat with Facebook Business/ }).click();
      const code = await (await see(maya.locator('.bubble .code'))).textContent();
      step('code', { length: code.length, sender: await maya.locator('.phone-head b').first().textContent() });

      await section(page, 'Instagram');
      await page.getByLabel('Code from WhatsApp').fill(code);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await see(page.getByRole('region', { name: 'Contact options of luckyshrub' }), '+15550109000');
      await page.getByRole('button', { name: 'Contact' }).click();
      const options = await see(page.getByRole('region', { name: 'Contact luckyshrub' }), 'WhatsApp');
      step('contact', { sheet: await options.innerText() });

      await section(page, 'Pages & WhatsApp');
      await page.getByRole('button', { name: 'Connect WhatsApp' }).click();
      await page.getByRole('button', { name: 'Sync profile with Page' }).click();
      const panel = await see(page.getByRole('region', { name: 'Page Lucky Shrub' }), 'sync on');
      step('linked', { panel: await panel.innerText() });
      await shot('linking-pages');
    });
  },

  /**
   * Ana writes to the Page from her Messenger phone; the integration answers
   * with the Page token (Send API) and quick replies; she reads it, reacts,
   * taps one, and the Page's app gets it (Webhooks).
   */
  async messenger() {
    const id = env('METASIM_SANDBOX');
    await browse('messenger', async (page, _context, shot) => {
      await open(page, `#/s/${id}/messaging`);
      const ana = await see(page.getByRole('region', { name: "Ana Diaz's Messenger" }));
      await writeTo(page, ana, 'Ana Diaz', 'Lucky Shrub · Page', 'Do you have ferns?');

      // The integration learns Ana's PSID from the Page's event, and answers.
      const events = await fetch(`${BASE}/_sim/sandboxes/${id}/events`).then((r) => r.json());
      const psid = events.data.filter((e) => e.kind === 'messaging_event').at(-1).sender_id;
      const sent = await graph('POST', `/${env('METASIM_PAGE_ID')}/messages`, env('METASIM_PAGE_TOKEN'), {
        recipient: { id: psid }, messaging_type: 'RESPONSE',
        message: { text: 'We do! Which size?', quick_replies: [
          { content_type: 'text', title: 'Small', payload: 'POT_S' },
          { content_type: 'text', title: 'Large', payload: 'POT_L' }] },
      });
      step('sent', { status: sent.status });
      const answer = await see(ana.locator('.bubble.theirs'), 'We do! Which size?');
      await see(answer.locator('.tick:not(.read)'));
      await ana.getByRole('button', { name: 'Mark read' }).click();
      await see(answer.locator('.tick.read'));
      await answer.getByRole('button', { name: 'React with love' }).click();
      await see(answer.locator('.reactions'), '❤');
      step('phone', {
        mine: await ana.locator('.bubble.mine .text').allTextContents(),
        text: await answer.locator('.text').textContent(),
        quick_replies: await answer.getByRole('group', { name: 'Quick replies' }).getByRole('button').allTextContents(),
      });
      await shot('messenger-phones');
      await answer.getByRole('button', { name: 'Small' }).click();

      await section(page, 'Webhooks');
      const delivery = await see(page.getByRole('row').filter({ hasText: 'quick reply POT_S' }), 'delivered');
      await delivery.click();
      await see(page.getByRole('region', { name: 'Delivery' }).locator('pre'), '"POT_S"');
      step('webhooks', { row: await delivery.innerText() });
    });
  },

  /**
   * Ana adds her Instagram account, links it to her Facebook account in
   * Accounts Center and confirms with Direct messages; Kai writes to it on
   * Instagram, and his message shows in Ana's Messenger.
   */
  async accounts() {
    const id = env('METASIM_SANDBOX');
    await browse('accounts', async (page, _context, shot) => {
      await open(page, `#/s/${id}/messaging`);
      const form = page.getByRole('form', { name: 'Add Instagram account' });
      await form.getByLabel('Username', { exact: true }).fill('ana.diaz');
      await form.getByLabel('Name', { exact: true }).fill('Ana Diaz');
      await form.getByLabel('Email', { exact: true }).fill('ana.diaz@example.com');
      await form.getByLabel('email verified').check();
      await form.getByRole('button', { name: 'Add Instagram account' }).click();
      await see(page.getByRole('region', { name: "@ana.diaz's Instagram" }));

      await section(page, 'Accounts Center');
      await page.getByLabel('Facebook account').selectOption({ label: 'Ana Diaz' });
      await page.getByLabel('Instagram account').selectOption({ label: '@ana.diaz' });
      await page.getByRole('button', { name: 'Link accounts' }).click();
      const link = page.getByRole('region', { name: 'Link Ana Diaz and @ana.diaz' });
      await see(link.locator('.badge'), 'pending');
      await link.getByRole('group', { name: 'Permissions' }).getByLabel('Direct messages').check();
      await link.getByRole('button', { name: 'Confirm with these permissions' }).click();
      await see(link.locator('.badge'), 'linked');
      await link.getByRole('group', { name: 'Sync' }).getByLabel('Profile').check();
      await see(page.locator('.toast'), 'Sync saved');
      step('linked', { panel: await link.innerText() });
      await shot('accounts-center');

      await section(page, 'Messenger & Instagram');
      const kai = await see(page.getByRole('region', { name: "@kai.gardens's Instagram" }));
      await writeTo(page, kai, '@kai.gardens', '@ana.diaz · Instagram', 'Hi Ana, any ferns left?');
      await see(kai.locator('.bubble.mine'), 'Hi Ana, any ferns left?');
      const ana = page.getByRole('region', { name: "Ana Diaz's Messenger" });
      await ana.getByRole('button', { name: /^Chat with Kai/ }).click();
      const mirrored = await see(ana.locator('.bubble.theirs'), 'Hi Ana, any ferns left?');
      step('mirrored', { bubble: await mirrored.innerText() });
      await shot('accounts-messenger');
    });
  },
};

/**
 * A webhook receiver that checks the handshake and every signature, fails
 * the first `failures` deliveries with HTTP 500, and hands each inbound
 * message, with its sender's profile name, to `answer` (which answers
 * through the Graph API, or returns null).
 */
function startBot(secret, answer, failures = 0) {
  const bot = { answered: [], posts: 0, problems: [] };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://bot');
    if (request.method === 'GET') {
      const ok = url.searchParams.get('hub.verify_token') === 'dashboard-bot';
      response.writeHead(ok ? 200 : 403).end(ok ? url.searchParams.get('hub.challenge') : 'wrong token');
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
      if (request.headers['x-hub-signature-256'] !== expected) {
        bot.problems.push('a delivery was badly signed');
        response.writeHead(401).end();
        return;
      }
      bot.posts += 1;
      if (bot.posts <= failures) {
        response.writeHead(500).end();
        return;
      }
      response.writeHead(200).end('EVENT_RECEIVED');
      const body = JSON.parse(raw.toString('utf8'));
      for (const entry of body.entry ?? []) {
        for (const change of entry.changes ?? []) {
          const name = change.value?.contacts?.[0]?.profile?.name ?? '';
          for (const message of change.value?.messages ?? []) {
            const answered = await answer(message, name);
            if (answered) bot.answered.push(answered.status);
          }
        }
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      bot.url = `http://127.0.0.1:${server.address().port}/webhook`;
      bot.close = () => {
        server.close();
        // metasim keeps its connections alive; they must not keep this process.
        server.closeAllConnections();
        if (bot.problems.length) throw new Error(bot.problems.join('\n'));
      };
      resolve(bot);
    });
  });
}

/** However a scenario gets stuck, the run ends within this, saying so. */
const DEADLINE = 100_000;
setTimeout(() => {
  process.stderr.write(`${name} did not finish within ${DEADLINE} ms\n`);
  process.exit(1);
}, DEADLINE).unref();

const name = process.argv[2];
if (!scenarios[name]) {
  process.stderr.write(`unknown scenario ${name}: ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}
try {
  await scenarios[name]();
} catch (error) {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
}
