import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAL_PLAN } from '../shared/phone/dial-plan.ts';
import { CallbarError } from '../shared/errors.ts';
import type { Envelope, MessageType, SenderKind } from '../shared/messages.ts';
import { LOGGED_OUT, type PublicState } from '../shared/session-state.ts';
import { classifySender, createHandlers, isEnvelope, route, type SenderContext, type SenderInfo } from './router.ts';
import type { SessionEngine } from './session-engine.ts';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${RUNTIME_ID}/`;
const TAB = { id: 7 };

describe('classifySender', () => {
  it.each<{ name: string; sender: SenderInfo; kind: SenderKind | null }>([
    { name: 'the popup', sender: { id: RUNTIME_ID, url: `${ORIGIN}src/popup/index.html` }, kind: 'extension-page' },
    { name: 'an extension page opened in a tab', sender: { id: RUNTIME_ID, url: `${ORIGIN}options.html`, tab: TAB }, kind: 'extension-page' },
    { name: 'a content script on an http page', sender: { id: RUNTIME_ID, url: 'http://crm.local/customers/1', tab: TAB }, kind: 'content' },
    { name: 'a content script on an https page', sender: { id: RUNTIME_ID, url: 'https://crm.example.com/list?q=1', tab: TAB }, kind: 'content' },
    { name: 'another extension', sender: { id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', url: 'chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/popup.html' }, kind: null },
    { name: 'another extension on a web page', sender: { id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', url: 'https://crm.example.com/', tab: TAB }, kind: null },
    { name: 'no sender id (a web page via externally_connectable)', sender: { url: 'https://crm.example.com/', tab: TAB }, kind: null },
    { name: 'no url', sender: { id: RUNTIME_ID, tab: TAB }, kind: null },
    { name: 'an empty url', sender: { id: RUNTIME_ID, url: '', tab: TAB }, kind: null },
    { name: 'a chrome:// tab', sender: { id: RUNTIME_ID, url: 'chrome://settings/', tab: TAB }, kind: null },
    { name: 'a file:// tab', sender: { id: RUNTIME_ID, url: 'file:///home/agent/list.html', tab: TAB }, kind: null },
    { name: 'a data: tab', sender: { id: RUNTIME_ID, url: 'data:text/html,<b>x</b>', tab: TAB }, kind: null },
    { name: 'an https page without a tab', sender: { id: RUNTIME_ID, url: 'https://crm.example.com/' }, kind: null },
    { name: 'a page that mentions our origin in its path', sender: { id: RUNTIME_ID, url: `https://evil.example/${ORIGIN}`, tab: TAB }, kind: 'content' },
  ])('$name → $kind', ({ sender, kind }) => {
    expect(classifySender(sender, RUNTIME_ID, ORIGIN)).toBe(kind);
  });
});

describe('isEnvelope', () => {
  it.each([
    [{ channel: 'callbar', type: 'state/get', payload: {} }, true],
    [{ channel: 'callbar', type: 'call/dial' }, true],
    [{ channel: 'other', type: 'state/get' }, false],
    [{ channel: 'callbar', type: 3 }, false],
    [{ type: 'state/get' }, false],
    ['callbar', false],
    [null, false],
  ])('%j → %s', (message, expected) => {
    expect(isEnvelope(message)).toBe(expected);
  });
});

// ── route() with a fake engine ─────────────────────────────────────────────

const STATE: PublicState = { ...LOGGED_OUT, status: 'loggedIn', providerId: 'cmcc-softbar' };

interface Call {
  method: string;
  args: unknown[];
}

function setup(failWith?: unknown, options: { dialAllowed?: boolean; access?: boolean } = {}) {
  const calls: Call[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      if (failWith) throw failWith;
      return STATE;
    };
  const engine = {
    wake: record('wake'),
    publicState: () => (calls.push({ method: 'publicState', args: [] }), STATE),
    login: record('login'),
    logout: record('logout'),
    setAgentState: record('setAgentState'),
    dial: record('dial'),
    callAction: record('callAction'),
    transfer: record('transfer'),
    extraAction: record('extraAction'),
    extraActionOptions: record('extraActionOptions'),
    dismissCall: record('dismissCall'),
    dialText: record('dialText'),
    confirmDial: record('confirmDial'),
  } as unknown as SessionEngine;
  const handlers = createHandlers({
    loadDialPlan: async () => DEFAULT_DIAL_PLAN,
    reportCount: (...args) => void calls.push({ method: 'reportCount', args }),
    stopPicker: (...args) => void calls.push({ method: 'stopPicker', args }),
    loadHistory: async () => [],
    clearHistory: async () => undefined,
    loadGeneral: async () => ({ screenPop: { when: 'off', urlTemplate: '' }, ringtone: true, devices: { input: '', output: '', ring: '' } }),
    saveGeneral: async (...args) => void calls.push({ method: 'saveGeneral', args }),
    // Enterprise policy (policy.ts, tested there): here a policy that pushes nothing.
    loginSettings: async (_providerId, settings) => settings,
    rememberCredentials: async () => false,
    setRememberCredentials: async (...args) => void calls.push({ method: 'setRememberCredentials', args }),
    forgetCredentials: async (...args) => void calls.push({ method: 'forgetCredentials', args }),
    saveChanges: async (changes) => void calls.push({ method: 'saveChanges', args: [changes] }),
    loadSettings: async (providerId) => {
      calls.push({ method: 'loadSettings', args: [providerId] });
      return { baseUrl: 'http://127.0.0.1:8008', extension: '8001' };
    },
    lastProviderId: async () => {
      calls.push({ method: 'lastProviderId', args: [] });
      return 'cmcc-softbar';
    },
    dialAllowed: async (sender) => (calls.push({ method: 'dialAllowed', args: [sender] }), options.dialAllowed ?? true),
    siteStatus: async (origin) => ({ origin, enabled: true, granted: true, byPolicy: false, rules: 1 }),
    enableSite: async (...args) => (calls.push({ method: 'enableSite', args }), { site: { origin: args[0], enabled: true, granted: true, byPolicy: false, rules: 0 } }),
    disableSite: async (...args) => (calls.push({ method: 'disableSite', args }), { origin: args[0], enabled: false, granted: false, byPolicy: false, rules: 0 }),
    sitesAwaitingAccess: async () => [],
    waitForAccess: async (patterns) => (calls.push({ method: 'waitForAccess', args: [patterns] }), options.access ?? true),
  });
  const send = (type: string, payload: unknown, sender: SenderKind | null, origin: Omit<SenderContext, 'kind'> = {}) =>
    route({ channel: 'callbar', type, payload } as unknown as Envelope, sender, handlers, engine, origin);
  return { calls, send };
}

describe('route: who may send what', () => {
  it.each<{ type: MessageType; payload: unknown }>([
    { type: 'settings/get', payload: { providerId: 'cmcc-softbar' } },
    { type: 'session/login', payload: { providerId: 'cmcc-softbar', settings: { baseUrl: 'http://127.0.0.1:8008', extension: '8001' } } },
    { type: 'session/logout', payload: {} },
    { type: 'settings/save', payload: { providers: { 'cmcc-softbar': { extension: '8001' } } } },
    { type: 'settings/dial-plan-set', payload: { providerId: 'cmcc-softbar', plan: DEFAULT_DIAL_PLAN } },
    // The toolbar is an extension page now: a content script (next to page scripts) controls no call.
    { type: 'state/get', payload: {} },
    { type: 'call/action', payload: { action: 'hangup' } },
    { type: 'call/transfer', payload: { target: '8002' } },
    { type: 'call/extra', payload: { actionId: 'pickup', input: '8002' } },
    { type: 'call/dismiss', payload: {} },
    { type: 'call/confirm-dial', payload: { confirm: true } },
    { type: 'agent/set-state', payload: { stateId: 'sipOnline' } },
    { type: 'sites/enable', payload: { origin: 'https://crm.example.com' } },
    { type: 'sites/disable', payload: { origin: 'https://crm.example.com' } },
    { type: 'sites/status', payload: { origin: 'https://crm.example.com' } },
  ])('a content script may not send $type', async ({ type, payload }) => {
    const { calls, send } = setup();
    const reply = await send(type, payload, 'content');
    expect(reply).toEqual({ ok: false, error: { code: 'forbidden', message: `不允许网页中的脚本发送“${type}”` } });
    expect(calls).toEqual([]);
  });

  it.each<{ type: MessageType; payload: unknown }>([
    { type: 'state/get', payload: {} },
    { type: 'call/dial', payload: { number: '10086' } },
    { type: 'settings/get', payload: { providerId: 'cmcc-softbar' } },
  ])('an unknown sender may not send $type', async ({ type, payload }) => {
    const { calls, send } = setup();
    const reply = await send(type, payload, null);
    expect(reply).toEqual({ ok: false, error: { code: 'forbidden', message: `不允许未知来源发送“${type}”` } });
    expect(calls).toEqual([]);
  });

  it('an extension page may read settings (secrets included)', async () => {
    const { calls, send } = setup();
    const reply = await send('settings/get', { providerId: 'cmcc-softbar' }, 'extension-page');
    expect(reply).toEqual({
      ok: true,
      value: { settings: { baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, lastProviderId: 'cmcc-softbar', remember: false },
    });
    expect(calls.map((c) => c.method)).toContain('loadSettings');
  });

  it('"记住密码" is set before the login uses the settings; logging out forgets an unremembered password', async () => {
    const { calls, send } = setup();
    const settings = { baseUrl: 'http://127.0.0.1:8008', extension: '8001' };
    await send('session/login', { providerId: 'cmcc-softbar', settings, remember: true }, 'extension-page');
    expect(calls.filter((c) => c.method !== 'publicState').slice(0, 3)).toEqual([
      { method: 'setRememberCredentials', args: ['cmcc-softbar', true] },
      { method: 'waitForAccess', args: [[]] },
      { method: 'login', args: ['cmcc-softbar', settings] },
    ]);
    expect(await send('session/login', { providerId: 'cmcc-softbar', settings, remember: 'yes' }, 'extension-page')).toMatchObject({ ok: false });
  });

  it('an extension page may log in and out', async () => {
    const { calls, send } = setup();
    const settings = { baseUrl: 'http://127.0.0.1:8008', extension: '8001' };
    expect(await send('session/login', { providerId: 'cmcc-softbar', settings }, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(await send('session/logout', {}, 'extension-page')).toEqual({ ok: true, value: STATE });
    // During a call, after the agent confirmed in the popup.
    expect(await send('session/logout', { force: true }, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(await send('session/logout', { force: 'yes' }, 'extension-page')).toMatchObject({ ok: false });
    expect(calls).toEqual([
      { method: 'waitForAccess', args: [[]] },
      { method: 'login', args: ['cmcc-softbar', settings] },
      { method: 'logout', args: [false] },
      { method: 'forgetCredentials', args: ['cmcc-softbar'] },
      { method: 'logout', args: [true] },
      { method: 'forgetCredentials', args: ['cmcc-softbar'] },
    ]);
  });

  it('a login to a cloud server waits for its host access (the popup asked; its prompt closed the popup)', async () => {
    const settings = { baseUrl: 'https://pbx.example.com', clientId: '4', clientSecret: 's', username: 'api', password: 'pw', extension: '8001', agentId: '1011', queues: '200' };
    const granted = setup();
    await granted.send('session/login', { providerId: 'dscom', settings }, 'extension-page');
    expect(granted.calls.map((c) => c.method)).toEqual(['waitForAccess', 'login']);
    expect(granted.calls[0]!.args).toEqual([['https://pbx.example.com/*']]);
    const denied = setup(undefined, { access: false });
    expect(await denied.send('session/login', { providerId: 'dscom', settings }, 'extension-page')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(denied.calls.map((c) => c.method)).toEqual(['waitForAccess']);
  });

  it('state/get from an extension page wakes the engine, then answers its public state', async () => {
    const { calls, send } = setup();
    expect(await send('state/get', {}, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(calls.map((c) => c.method)).toEqual(['wake', 'publicState']);
  });
});

describe('route: unknown messages', () => {
  it.each(['foo/bar', 'toString', 'constructor', '__proto__', 'hasOwnProperty', ''])('%j → invalid-input', async (type) => {
    const { calls, send } = setup();
    const reply = await send(type, {}, 'extension-page');
    expect(reply).toEqual({ ok: false, error: { code: 'invalid-input', message: `未知的消息：${type}` } });
    expect(calls).toEqual([]);
  });
});

describe('route: payloads are validated before any handler runs', () => {
  it.each<{ name: string; type: MessageType; payload: unknown; message: string | RegExp }>([
    { name: 'dial letters', type: 'call/dial', payload: { number: 'abc' }, message: '“abc”不是可以拨打的号码' },
    { name: 'dial markup', type: 'call/dial', payload: { number: '<script>' }, message: '“<script>”不是可以拨打的号码' },
    { name: 'dial 70 characters', type: 'call/dial', payload: { number: '1'.repeat(70) }, message: '号码太长' },
    { name: 'dial 21 digits', type: 'call/dial', payload: { number: '1'.repeat(21) }, message: `“${'1'.repeat(21)}”不是可以拨打的号码` },
    { name: 'dial 2 digits', type: 'call/dial', payload: { number: '12' }, message: '“12”不是可以拨打的号码' },
    { name: 'dial a number with trailing text', type: 'call/dial', payload: { number: '10086 ext 1' }, message: '“10086 ext 1”不是可以拨打的号码' },
    { name: 'dial a non-string', type: 'call/dial', payload: { number: 13912345678 }, message: /./ },
    { name: 'dial with no number', type: 'call/dial', payload: {}, message: /./ },
    { name: 'transfer to letters', type: 'call/transfer', payload: { target: 'boss' }, message: '“boss”不是可以拨打的号码' },
    { name: 'transfer to nothing', type: 'call/transfer', payload: { target: '' }, message: '“”不是可以拨打的号码' },
    { name: 'agent state empty', type: 'agent/set-state', payload: { stateId: '' }, message: /./ },
    { name: 'agent state too long', type: 'agent/set-state', payload: { stateId: 'x'.repeat(65) }, message: /./ },
    { name: 'extra action empty', type: 'call/extra', payload: { actionId: '' }, message: /./ },
    { name: 'extra action not a string', type: 'call/extra', payload: { actionId: 1 }, message: /./ },
    { name: 'extra action input too long', type: 'call/extra', payload: { actionId: 'consult', input: '1'.repeat(65) }, message: /./ },
    { name: 'extra options without an action', type: 'call/extra-options', payload: {}, message: /./ },
    { name: 'call action not in the list', type: 'call/action', payload: { action: 'dial' }, message: /./ },
    { name: 'call action missing', type: 'call/action', payload: {}, message: /./ },
    { name: 'state/get with extra keys', type: 'state/get', payload: { x: 1 }, message: /./ },
    { name: 'dismiss with extra keys', type: 'call/dismiss', payload: { all: true }, message: /./ },
  ])('$name → invalid-input', async ({ type, payload, message }) => {
    const { calls, send } = setup();
    const reply = await send(type, payload, type === 'call/dial' ? 'content' : 'extension-page');
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-input');
    expect(reply.error.message).toMatch(typeof message === 'string' ? new RegExp(`^${escape(message)}$`) : message);
    expect(reply.error.detail).toBe(type);
    expect(calls).toEqual([]);
  });

  it('the number is quoted in the message only up to 32 characters', async () => {
    const { send } = setup();
    const reply = await send('call/dial', { number: 'x'.repeat(38) }, 'content');
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input', message: `“${'x'.repeat(32)}”不是可以拨打的号码` } });
  });

  it.each<{ name: string; type: MessageType; payload: unknown; message: string | RegExp }>([
    { name: 'login with an unknown provider', type: 'session/login', payload: { providerId: 'acme', settings: {} }, message: '未知的平台' },
    { name: 'settings of an unknown provider', type: 'settings/get', payload: { providerId: 'acme' }, message: /./ },
  ])('$name → invalid-input', async ({ type, payload, message }) => {
    const { calls, send } = setup();
    const reply = await send(type, payload, 'extension-page');
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input', message } });
    expect(calls).toEqual([]);
  });
});

describe('route: valid requests reach the engine', () => {
  // A button's dial string was computed with the dial plan in the page: it is passed on
  // as it is (separators aside), never re-normalized.
  it.each([
    ['13912345678', '13912345678'],
    ['139-1234-5678', '13912345678'],
    ['901062345678', '901062345678'],
    ['01062345678,808', '01062345678,808'],
    ['0085221234567', '0085221234567'],
    ['+15551234567', '+15551234567'],
    ['10086', '10086'],
  ])('a content script dialling %j reaches engine.dial with %j', async (raw, normalized) => {
    const { calls, send } = setup();
    const reply = await send('call/dial', { number: raw }, 'content');
    expect(reply).toEqual({ ok: true, value: STATE });
    expect(calls.filter((c) => c.method !== 'dialAllowed')).toEqual([{ method: 'dial', args: [normalized] }]);
  });

  it('a content script dials only from a site where CallBar is enabled (checked with its frame and tab)', async () => {
    const from = { tabId: 3, frameId: 2, url: 'https://evil.example/frame.html', origin: 'https://evil.example', tabUrl: 'https://evil.example/' };
    const refused = setup(undefined, { dialAllowed: false });
    expect(await refused.send('call/dial', { number: '13912345678' }, 'content', from)).toEqual({
      ok: false,
      error: { code: 'forbidden', message: '这个网站没有启用 CallBar，不能从这里拨号' },
    });
    expect(refused.calls).toEqual([{ method: 'dialAllowed', args: [{ kind: 'content', ...from }] }]);
    // The popup and the toolbar frame (extension pages) are not asked.
    const page = setup(undefined, { dialAllowed: false });
    expect(await page.send('call/dial', { number: '13912345678' }, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(page.calls).toEqual([{ method: 'dial', args: ['13912345678'] }]);
  });

  it('a number proposed from page text is dialled only when an extension page confirms it', async () => {
    const { calls, send } = setup();
    expect(await send('call/confirm-dial', { confirm: true }, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(await send('call/confirm-dial', { confirm: 'yes' }, 'extension-page')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(calls).toEqual([{ method: 'confirmDial', args: [true] }]);
  });

  it('sites: enable and disable with a web origin only', async () => {
    const { calls, send } = setup();
    expect(await send('sites/enable', { origin: 'https://crm.example.com:8443', tabId: 7 }, 'extension-page')).toMatchObject({ ok: true });
    expect(await send('sites/enable', { origin: 'https://crm.example.com:8443', tabId: 7, then: { kind: 'selector', selector: 'td.phone' } }, 'extension-page')).toMatchObject({ ok: true });
    expect(await send('sites/enable', { origin: 'https://crm.example.com:8443', then: { kind: 'dial', number: '1' } }, 'extension-page')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await send('sites/disable', { origin: 'https://crm.example.com:8443' }, 'extension-page')).toMatchObject({ ok: true });
    for (const origin of ['chrome://settings', 'https://crm.example.com/path', 'file:///etc/passwd', 'https://*.example.com']) {
      expect(await send('sites/enable', { origin }, 'extension-page')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(calls).toEqual([
      { method: 'enableSite', args: ['https://crm.example.com:8443', 7, undefined] },
      { method: 'enableSite', args: ['https://crm.example.com:8443', 7, { kind: 'selector', selector: 'td.phone' }] },
      { method: 'disableSite', args: ['https://crm.example.com:8443'] },
    ]);
  });

  it('text the agent typed goes to engine.dialText, which applies the dial plan', async () => {
    const { calls, send } = setup();
    const reply = await send('call/dial-text', { text: '+86 139-1234-5678' }, 'extension-page');
    expect(reply).toEqual({ ok: true, value: STATE });
    expect(calls).toEqual([{ method: 'dialText', args: ['+86 139-1234-5678'] }]);
  });

  it('a content script may not send typed text to dial', async () => {
    const { calls, send } = setup();
    const reply = await send('call/dial-text', { text: '13912345678' }, 'content');
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it.each([
    { type: 'call/transfer', payload: { target: '800-2' }, call: { method: 'transfer', args: ['8002'] } },
    { type: 'call/action', payload: { action: 'hangup' }, call: { method: 'callAction', args: ['hangup'] } },
    { type: 'call/action', payload: { action: 'unmute' }, call: { method: 'callAction', args: ['unmute'] } },
    { type: 'agent/set-state', payload: { stateId: 'sipOnline' }, call: { method: 'setAgentState', args: ['sipOnline'] } },
    { type: 'call/extra', payload: { actionId: 'switchTransfer' }, call: { method: 'extraAction', args: ['switchTransfer', undefined, undefined] } },
    // The input is the engine's to check: a dial string, or a platform name for a `free` input.
    { type: 'call/extra', payload: { actionId: 'pickup', input: ' 8002 ' }, call: { method: 'extraAction', args: ['pickup', ' 8002 ', undefined] } },
    { type: 'call/extra', payload: { actionId: 'consult', input: '售后组', kind: 'group' }, call: { method: 'extraAction', args: ['consult', '售后组', 'group'] } },
    { type: 'call/extra-options', payload: { actionId: 'consult', kind: 'agent' }, call: { method: 'extraActionOptions', args: ['consult', 'agent'] } },
    { type: 'call/dismiss', payload: {}, call: { method: 'dismissCall', args: [] } },
    { type: 'call/dismiss', payload: undefined, call: { method: 'dismissCall', args: [] } },
  ])('$type $payload → engine.$call.method', async ({ type, payload, call }) => {
    const { calls, send } = setup();
    expect(await send(type, payload, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(calls).toEqual([call]);
  });
});

describe('route: settings changes', () => {
  it('settings/save checks every value with the provider schema, then saves what it normalized', async () => {
    const { calls, send } = setup();
    const changes = { providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8010/', extension: ' 8001 ' } }, activeProvider: 'cmcc-softbar' };
    expect(await send('settings/save', changes, 'extension-page')).toEqual({ ok: true, value: null });
    expect(calls).toEqual([{ method: 'saveChanges', args: [{ providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8010', extension: '8001' } }, activeProvider: 'cmcc-softbar' }] }]);
  });

  it.each([
    [{ providers: { 'cmcc-softbar': { extension: '80a1' } } }, 'providers.cmcc-softbar.extension：800 号码只能由 3–20 位数字组成'],
    [{ providers: { acme: {} } }, 'providers：未知的平台“acme”（可用：cmcc-softbar、dscom、800ing、sip、vcall、ccpaas）'],
    [{ dialPlans: { 'cmcc-softbar': { ...DEFAULT_DIAL_PLAN, outsideLinePrefix: '12345' } } }, 'dialPlans.cmcc-softbar.outsideLinePrefix：外线前缀只能是最多 4 位数字'],
    [{ theme: 'dark' }, '未知的字段“theme”'],
  ])('settings/save %j → invalid-input, nothing saved', async (payload, message) => {
    const { calls, send } = setup();
    expect(await send('settings/save', payload, 'extension-page')).toEqual({ ok: false, error: { code: 'invalid-input', message, detail: 'settings/save' } });
    expect(calls).toEqual([]);
  });

  it('settings/dial-plan-set goes through the same checked save', async () => {
    const { calls, send } = setup();
    const plan = { outsideLinePrefix: '9', internationalPrefix: '+', extension: 'dtmf' };
    expect(await send('settings/dial-plan-set', { providerId: 'cmcc-softbar', plan }, 'extension-page')).toEqual({ ok: true, value: STATE });
    expect(calls).toEqual([{ method: 'saveChanges', args: [{ dialPlans: { 'cmcc-softbar': plan } }] }, { method: 'publicState', args: [] }]);
  });
});

describe('route: handler errors come back serialized', () => {
  it('a CallbarError keeps its code, message and detail', async () => {
    const { send } = setup(new CallbarError('precondition', '当前已有通话，挂断后才能外呼', 'busy'));
    expect(await send('call/dial', { number: '10086' }, 'content')).toEqual({
      ok: false,
      error: { code: 'precondition', message: '当前已有通话，挂断后才能外呼', detail: 'busy' },
    });
  });

  it('any other error becomes internal, with its message', async () => {
    const { send } = setup(new TypeError('boom'));
    expect(await send('call/action', { action: 'hangup' }, 'extension-page')).toEqual({
      ok: false,
      error: { code: 'internal', message: '内部错误：boom' },
    });
  });

  it('the reply is plain data (it crosses a structured-clone boundary)', async () => {
    const { send } = setup(new CallbarError('auth', '电话条鉴权失败'));
    const reply = await send('session/login', { providerId: 'cmcc-softbar', settings: {} }, 'extension-page');
    expect(structuredClone(reply)).toEqual(reply);
    expect(Object.getPrototypeOf((reply as { error: object }).error)).toBe(Object.prototype);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
