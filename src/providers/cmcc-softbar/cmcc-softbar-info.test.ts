import { describe, expect, it } from 'vitest';
import { cmccSoftbarInfo, DEFAULT_BASE_URL, softbarSettingsSchema } from './cmcc-softbar-info.ts';

const NEED_URL = '请填写电话条地址';
const NOT_LOCAL = '电话条地址必须是本机 http 地址（127.0.0.1 或 localhost 加端口），例如 http://127.0.0.1:8008';
const NEED_EXT = '请填写 800 号码';
const BAD_EXT = '800 号码只能由 3–20 位数字组成';

const VALID = { baseUrl: 'http://127.0.0.1:8008', extension: '8001' };

/** The first message the form shows for `field` (the engine shows issues[0]). */
function firstMessage(input: unknown, field: string): string | undefined {
  const result = softbarSettingsSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues.find((issue) => issue.path.join('.') === field)?.message;
}

describe('cmcc-softbar settings: invalid baseUrl', () => {
  it.each<{ name: string; baseUrl: unknown; message: string }>([
    { name: 'missing', baseUrl: undefined, message: NEED_URL },
    { name: 'null', baseUrl: null, message: NEED_URL },
    { name: 'a number', baseUrl: 8008, message: NEED_URL },
    { name: 'empty', baseUrl: '', message: NEED_URL },
    { name: 'only spaces', baseUrl: '   ', message: NEED_URL },
    { name: 'not a URL', baseUrl: 'not a url', message: NOT_LOCAL },
    { name: 'host and port without scheme', baseUrl: '127.0.0.1:8008', message: NOT_LOCAL },
    { name: 'https', baseUrl: 'https://127.0.0.1:8008', message: NOT_LOCAL },
    { name: 'ws scheme', baseUrl: 'ws://127.0.0.1:8008', message: NOT_LOCAL },
    { name: 'private LAN host', baseUrl: 'http://10.0.0.5:8008', message: NOT_LOCAL },
    { name: 'public host name', baseUrl: 'http://example.com', message: NOT_LOCAL },
    { name: 'localhost as a subdomain', baseUrl: 'http://localhost.example.com:8008', message: NOT_LOCAL },
    { name: 'URL with a path', baseUrl: 'http://127.0.0.1:8008/api', message: NOT_LOCAL },
    { name: 'URL with the action path', baseUrl: 'http://127.0.0.1:8008/api/action/makeCall', message: NOT_LOCAL },
  ])('$name ($baseUrl) → $message', ({ baseUrl, message }) => {
    const input = baseUrl === undefined ? { extension: '8001' } : { ...VALID, baseUrl };
    expect(firstMessage(input, 'baseUrl')).toBe(message);
  });
});

describe('cmcc-softbar settings: invalid extension (800 number)', () => {
  it.each<{ name: string; extension: unknown; message: string }>([
    { name: 'missing', extension: undefined, message: NEED_EXT },
    { name: 'a number, not a string', extension: 8001, message: NEED_EXT },
    { name: 'empty', extension: '', message: NEED_EXT },
    { name: 'only spaces', extension: '  ', message: NEED_EXT },
    { name: 'letters', extension: 'abc', message: BAD_EXT },
    { name: 'digits and letters', extension: '8001a', message: BAD_EXT },
    { name: 'with a dash', extension: '800-1', message: BAD_EXT },
    { name: 'too short (2 digits)', extension: '80', message: BAD_EXT },
    { name: 'too long (21 digits)', extension: '1'.repeat(21), message: BAD_EXT },
  ])('$name ($extension) → $message', ({ extension, message }) => {
    const input = extension === undefined ? { baseUrl: VALID.baseUrl } : { ...VALID, extension };
    expect(firstMessage(input, 'extension')).toBe(message);
  });

  it('reports both fields when both are wrong', () => {
    const result = softbarSettingsSchema.safeParse({ baseUrl: 'https://example.com', extension: 'x' });
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toContain('baseUrl');
    expect(paths).toContain('extension');
  });
});

describe('cmcc-softbar settings: valid input is normalized', () => {
  it.each([
    { name: 'the default', input: VALID, expected: VALID },
    { name: 'trailing slash removed', input: { baseUrl: 'http://127.0.0.1:8008/', extension: '8001' }, expected: VALID },
    { name: 'whitespace trimmed', input: { baseUrl: '  http://127.0.0.1:8008/ ', extension: ' 8001 ' }, expected: VALID },
    { name: 'localhost accepted', input: { baseUrl: 'http://localhost:8008', extension: '8001' }, expected: { baseUrl: 'http://localhost:8008', extension: '8001' } },
    { name: 'upper-case scheme and host', input: { baseUrl: 'HTTP://LOCALHOST:9000/', extension: '8001' }, expected: { baseUrl: 'http://localhost:9000', extension: '8001' } },
    { name: 'IPv6 loopback', input: { baseUrl: 'http://[::1]:8008', extension: '8001' }, expected: { baseUrl: 'http://[::1]:8008', extension: '8001' } },
    { name: 'another port', input: { baseUrl: 'http://127.0.0.1:18008', extension: '8001' }, expected: { baseUrl: 'http://127.0.0.1:18008', extension: '8001' } },
    { name: '3-digit extension', input: { ...VALID, extension: '800' }, expected: { ...VALID, extension: '800' } },
    { name: '20-digit extension', input: { ...VALID, extension: '1'.repeat(20) }, expected: { ...VALID, extension: '1'.repeat(20) } },
    { name: 'unknown keys dropped', input: { ...VALID, password: 'x' }, expected: VALID },
  ])('$name', ({ input, expected }) => {
    expect(softbarSettingsSchema.parse(input)).toStrictEqual(expected);
  });
});

describe('cmccSoftbarInfo', () => {
  it('defaults to the address the document names', () => {
    expect(DEFAULT_BASE_URL).toBe('http://127.0.0.1:8008');
    expect(cmccSoftbarInfo.defaultSettings).toEqual({ baseUrl: 'http://127.0.0.1:8008', extension: '' });
  });

  it('the default address validates once an 800 number is filled in', () => {
    expect(softbarSettingsSchema.parse({ ...cmccSoftbarInfo.defaultSettings, extension: '8001' })).toEqual(VALID);
  });

  it('offers exactly the document\'s agent states: SIP online (ready) and offline (not ready)', () => {
    const offered = cmccSoftbarInfo.capabilities.agentStates.filter((s) => s.selectable !== false);
    expect(offered.map((s) => [s.id, s.kind])).toEqual([
      ['sipOnline', 'ready'],
      ['sipOffline', 'notReady'],
    ]);
  });

  it('shows the bar\'s call states (call_state 1–5) as states the platform sets, never offered', () => {
    const platform = cmccSoftbarInfo.capabilities.agentStates.filter((s) => s.selectable === false);
    expect(platform.map((s) => [s.id, s.label, s.kind])).toEqual([
      ['outgoing', '呼叫中', 'busy'],
      ['incoming', '来电', 'busy'],
      ['inCall', '通话中', 'busy'],
    ]);
  });

  it('does not claim hold (the document has no hold action)', () => {
    expect(cmccSoftbarInfo.capabilities.hold).toBe(false);
  });
});
