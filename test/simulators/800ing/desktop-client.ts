/**
 * The 八百呼 desktop client's local HTTP control API (document §3), normally on
 * http://127.0.0.1:10800: `GET /?phone=…&type=…`. The client is logged in to the same simulated
 * cloud account, so its dial / hang-up / transfer act on the agent's line and show up on the
 * cloud water line. Replies are HTTP 200 {"code":0,"message":""} or {"code":<negative>,"message":…}.
 */
import type { AgentLine, Refusal } from './agent-line.ts';
import {
  CLIENT_NOT_LOGGED_IN,
  CLIENT_TYPE,
  CLIENT_TYPES,
  CODE,
  PHONE_PATTERN,
  codeText,
  hexCase,
  type HexCase,
} from './rules.ts';

/** The parameters of the last command the client received (`state.client.lastCommand`). */
export interface ClientCommand {
  type: number | null;
  phone: string | null;
  /** As sent ("true"/"false"/…), null when absent. The document spells it DisablePop or disablePop. */
  disablePop: string | null;
  hold: string | null;
  httpPort: string | null;
  /** Every query parameter, names as sent. */
  params: Record<string, string>;
  /** The code the client answered. */
  code: number;
  at: number;
}

/** A window the client popped: a dial without disablePop=true (type 0), type 2002, or a URL pop (1000). */
export interface PopRecord {
  type: number;
  phone: string | null;
  /** Type 1000: the URL, base64-decoded. */
  url: string | null;
  caption: string | null;
  at: number;
}

export interface ClientState {
  /** The client process listens on clientPort. */
  running: boolean;
  loggedIn: boolean;
  /** Account and server of the last successful type 2001 login (null: logged in from the start). */
  user: string | null;
  host: string | null;
  /** How the last type 2001 sent `pass`: the clear password or its MD5. */
  passForm: 'clear' | 'md5' | null;
  lastCommand: ClientCommand | null;
  popped: PopRecord[];
  /** A pop window is open (closed by type 1003). */
  popOpen: boolean;
}

export interface ClientReply {
  status: number;
  contentType: string;
  text: string;
  payload: Record<string, unknown> | null;
  clientType: number | null;
  /** Letter case of `pass` when it is a 32-char hex string (type 2001), else null. */
  passwordCase: HexCase | null;
  reason?: string;
}

export interface ClientConfig {
  account: string;
  password: string;
  /** Uppercase hex MD5 of the password. */
  passwordMd5: string;
  loggedIn: boolean;
}

type Outcome = { code: number; message: string; reason?: string };

export class DesktopClient {
  private readonly config: ClientConfig;
  private readonly line: AgentLine;
  private loggedIn: boolean;
  private user: string | null = null;
  private host: string | null = null;
  private passForm: 'clear' | 'md5' | null = null;
  private lastCommand: ClientCommand | null = null;
  private readonly popped: PopRecord[] = [];
  private popOpen = false;

  constructor(config: ClientConfig, line: AgentLine) {
    this.config = config;
    this.line = line;
    this.loggedIn = config.loggedIn;
  }

  snapshot(running: boolean): ClientState {
    return {
      running,
      loggedIn: this.loggedIn,
      user: this.user,
      host: this.host,
      passForm: this.passForm,
      lastCommand: this.lastCommand === null ? null : { ...this.lastCommand, params: { ...this.lastCommand.params } },
      popped: this.popped.map((p) => ({ ...p })),
      popOpen: this.popOpen,
    };
  }

  setLoggedIn(loggedIn: boolean): void {
    this.loggedIn = loggedIn;
  }

  reset(): void {
    this.loggedIn = this.config.loggedIn;
    this.user = null;
    this.host = null;
    this.passForm = null;
    this.lastCommand = null;
    this.popped.length = 0;
    this.popOpen = false;
  }

  handle(httpMethod: string, path: string, query: URLSearchParams): ClientReply {
    // Parameter names are matched case-insensitively (the document writes Hold/DisablePop/Width
    // in its table and hold/disablePop in its examples); the first occurrence wins.
    const params: Record<string, string> = {};
    const lower: Record<string, string> = {};
    for (const [key, value] of query) {
      if (!(key in params)) params[key] = value;
      const k = key.toLowerCase();
      if (!(k in lower)) lower[k] = value;
    }
    const passwordCase = hexCase(lower.pass);
    if (path !== '/') {
      return { status: 404, contentType: 'text/plain;charset=UTF-8', text: 'Not Found', payload: null, clientType: null, passwordCase, reason: `no such path ${path}` };
    }
    if (httpMethod !== 'GET') {
      return { status: 405, contentType: 'text/plain;charset=UTF-8', text: 'Method Not Allowed', payload: null, clientType: null, passwordCase, reason: `${httpMethod} is not GET` };
    }
    const type = lower.type !== undefined && /^[0-9]+$/.test(lower.type) ? Number(lower.type) : null;
    const outcome = this.run(type, lower);
    this.lastCommand = {
      type,
      phone: lower.phone ?? null,
      disablePop: lower.disablepop ?? null,
      hold: lower.hold ?? null,
      httpPort: lower.httpport ?? null,
      params,
      code: outcome.code,
      at: Date.now(),
    };
    const payload = { code: outcome.code, message: outcome.message };
    return {
      status: 200,
      contentType: 'application/json;charset=UTF-8',
      text: JSON.stringify(payload),
      payload,
      clientType: type,
      passwordCase,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    };
  }

  private run(type: number | null, p: Record<string, string>): Outcome {
    if (type === null) return fail(CODE.INTERNAL, `missing or invalid type "${p.type ?? ''}"`, '缺少参数 type');
    if (CLIENT_TYPES[type] === undefined) return fail(CODE.INTERNAL, `unknown type ${type}`, `未知类型 ${type}`);
    if (type === CLIENT_TYPE.LOGIN) return this.login(p);
    if (!this.loggedIn) return { code: CODE.AUTH, message: CLIENT_NOT_LOGGED_IN, reason: 'the client is not logged in' };
    const phone = p.phone ?? '';
    switch (type) {
      case CLIENT_TYPE.DIAL: {
        const bad = requirePhone(phone);
        if (bad !== null) return bad;
        const refused = this.line.dial(phone, 'client', null);
        if (refused !== null) return fromRefusal(refused);
        if ((p.disablepop ?? '').toLowerCase() !== 'true') this.pop(type, phone);
        return success();
      }
      case CLIENT_TYPE.HANGUP:
        return fromRefusal(this.line.hangup('clientHangup'));
      case CLIENT_TYPE.TRANSFER: {
        const bad = requirePhone(phone);
        return bad ?? fromRefusal(this.line.transfer(phone));
      }
      case CLIENT_TYPE.POP:
        this.pop(type, phone === '' ? null : phone);
        return success();
      case CLIENT_TYPE.CLOSE_POP:
        this.popOpen = false;
        return success();
      case CLIENT_TYPE.URL_POP:
        this.pop(type, null, decodeBase64(p.url ?? ''), p.caption ?? null);
        return success();
      default:
        // 3, 4 (batch), 99x/981 supervision, 100x work orders: recorded in lastCommand only.
        return success();
    }
  }

  /** Type 2001: `user` must be the account, `pass` the clear password or its MD5 (any hex case). */
  private login(p: Record<string, string>): Outcome {
    const { user, pass, host } = p;
    if (user === undefined || user === '' || pass === undefined || pass === '') {
      return fail(CODE.INTERNAL, 'type 2001 needs user and pass', '缺少参数 user/pass');
    }
    const form = pass === this.config.password ? 'clear' : pass.toUpperCase() === this.config.passwordMd5 ? 'md5' : null;
    if (user !== this.config.account || form === null) {
      // A failed re-login leaves the client logged out.
      this.loggedIn = false;
      return fail(CODE.AUTH, user !== this.config.account ? `unknown user ${user}` : 'wrong pass');
    }
    this.loggedIn = true;
    this.user = user;
    this.host = host ?? null;
    this.passForm = form;
    return success();
  }

  private pop(type: number, phone: string | null, url: string | null = null, caption: string | null = null): void {
    this.popped.push({ type, phone, url, caption, at: Date.now() });
    this.popOpen = true;
  }
}

const success = (): Outcome => ({ code: CODE.OK, message: '' });

function fail(code: number, reason: string, detail?: string): Outcome {
  return { code, message: detail === undefined ? codeText(code) : `${codeText(code)}：${detail}`, reason };
}

const fromRefusal = (r: Refusal | null): Outcome => (r === null ? success() : fail(r.code, r.reason, r.detail));

function requirePhone(phone: string): Outcome | null {
  if (phone === '') return fail(CODE.INTERNAL, 'no phone', '缺少参数 phone');
  if (!PHONE_PATTERN.test(phone)) return fail(CODE.INTERNAL, `phone "${phone}" is not a dialable number`, '号码格式错误');
  return null;
}

function decodeBase64(value: string): string | null {
  if (value === '') return null;
  try {
    return Buffer.from(value, 'base64').toString('utf8');
  } catch {
    return null;
  }
}
