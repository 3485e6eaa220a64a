/**
 * The token endpoint, POST /dscom-api/public/oauth/token: Laravel Passport's password and
 * refresh_token grants, with Passport's error bodies. Access tokens really expire (Date.now()).
 */
import { randomBytes } from 'node:crypto';
import { OAUTH_ERRORS, REFRESH_TOKEN_TTL_SECONDS, type OAuthError } from './rules.ts';

export interface OAuthClientConfig {
  /** Passport client ids are numbers; requests may send 4 or "4". */
  id: number | string;
  secret: string;
}

export interface OAuthUserConfig {
  username: string;
  password: string;
}

export interface TokenGrant {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  refresh_token: string;
}

export type TokenReply = { status: 200; payload: TokenGrant } | OAuthError;

interface AccessToken {
  clientId: string;
  userId: number;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshToken {
  clientId: string;
  userId: number;
  accessToken: string;
  expiresAt: number;
  revoked: boolean;
}

export interface TokenCounts {
  /** Access tokens that would authenticate now. */
  validAccess: number;
  /** Refresh tokens that could be used now. */
  validRefresh: number;
  ttlSeconds: number;
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export class TokenStore {
  private readonly clients: ReadonlyMap<string, string>;
  private readonly users: readonly OAuthUserConfig[];
  private readonly initialTtl: number;
  private ttl: number;
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();

  constructor(clients: readonly OAuthClientConfig[], users: readonly OAuthUserConfig[], ttlSeconds: number) {
    this.clients = new Map(clients.map((c) => [String(c.id), c.secret]));
    this.users = users;
    this.initialTtl = ttlSeconds;
    this.ttl = ttlSeconds;
  }

  /** True when `token` is an access token that is neither revoked nor expired. */
  isValid(token: string | null | undefined): boolean {
    if (!token) return false;
    const entry = this.access.get(token);
    return entry !== undefined && !entry.revoked && entry.expiresAt > Date.now();
  }

  /** Answers one token request; `params` is the parsed JSON or form body. */
  grant(params: Record<string, unknown>): TokenReply {
    const grantType = params.grant_type;
    if (grantType !== 'password' && grantType !== 'refresh_token') return OAUTH_ERRORS.unsupportedGrantType();

    // league/oauth2-server validates the client first, then the scopes, then the grant.
    const clientId = params.client_id;
    if ((typeof clientId !== 'string' && typeof clientId !== 'number') || String(clientId) === '') {
      return OAUTH_ERRORS.invalidRequest('client_id');
    }
    const secret = this.clients.get(String(clientId));
    if (secret === undefined || params.client_secret !== secret) return OAUTH_ERRORS.invalidClient();

    const scope = params.scope;
    if (scope !== undefined && scope !== null && scope !== '' && scope !== '*') {
      return OAUTH_ERRORS.invalidScope(String(scope));
    }
    return grantType === 'password'
      ? this.passwordGrant(String(clientId), params)
      : this.refreshGrant(String(clientId), params);
  }

  private passwordGrant(clientId: string, params: Record<string, unknown>): TokenReply {
    const { username, password } = params;
    if (typeof username !== 'string' || username === '') return OAUTH_ERRORS.invalidRequest('username');
    if (typeof password !== 'string' || password === '') return OAUTH_ERRORS.invalidRequest('password');
    const userIndex = this.users.findIndex((u) => u.username === username && u.password === password);
    if (userIndex < 0) return OAUTH_ERRORS.invalidCredentials();
    return { status: 200, payload: this.issue(clientId, userIndex + 1) };
  }

  /** A refresh token works once: using it revokes it and the access token issued with it. */
  private refreshGrant(clientId: string, params: Record<string, unknown>): TokenReply {
    const token = params.refresh_token;
    if (typeof token !== 'string' || token === '') return OAUTH_ERRORS.invalidRequest('refresh_token');
    const entry = this.refresh.get(token);
    if (entry === undefined) return OAUTH_ERRORS.invalidRefreshToken('Cannot decrypt the refresh token');
    if (entry.clientId !== clientId) return OAUTH_ERRORS.invalidRefreshToken('Token is not linked to client');
    if (entry.expiresAt <= Date.now()) return OAUTH_ERRORS.invalidRefreshToken('Token has expired');
    if (entry.revoked) return OAUTH_ERRORS.invalidRefreshToken('Token has been revoked');
    entry.revoked = true;
    const oldAccess = this.access.get(entry.accessToken);
    if (oldAccess !== undefined) oldAccess.revoked = true;
    return { status: 200, payload: this.issue(clientId, entry.userId) };
  }

  private issue(clientId: string, userId: number): TokenGrant {
    const now = Date.now();
    const accessToken = makeJwt(clientId, userId, now, this.ttl);
    const refreshToken = `def50200${randomBytes(320).toString('hex')}`;
    this.access.set(accessToken, { clientId, userId, expiresAt: now + this.ttl * 1000, revoked: false });
    this.refresh.set(refreshToken, {
      clientId,
      userId,
      accessToken,
      expiresAt: now + REFRESH_TOKEN_TTL_SECONDS * 1000,
      revoked: false,
    });
    return { token_type: 'Bearer', expires_in: this.ttl, access_token: accessToken, refresh_token: refreshToken };
  }

  // ---------------------------------------------------------------- control

  /** Every access token issued so far expires now (refresh tokens stay usable). */
  expireAccessTokens(): void {
    const now = Date.now();
    for (const entry of this.access.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }

  revokeRefreshTokens(): void {
    for (const entry of this.refresh.values()) entry.revoked = true;
  }

  /** Lifetime (and expires_in) of the tokens issued from now on. */
  setTtl(seconds: number): void {
    this.ttl = seconds;
  }

  counts(): TokenCounts {
    const now = Date.now();
    let validAccess = 0;
    let validRefresh = 0;
    for (const entry of this.access.values()) if (!entry.revoked && entry.expiresAt > now) validAccess++;
    for (const entry of this.refresh.values()) if (!entry.revoked && entry.expiresAt > now) validRefresh++;
    return { validAccess, validRefresh, ttlSeconds: this.ttl };
  }

  reset(): void {
    this.access.clear();
    this.refresh.clear();
    this.ttl = this.initialTtl;
  }
}

/** A token shaped like Passport's RS256 JWT (the signature is random bytes: nobody verifies it). */
function makeJwt(clientId: string, userId: number, nowMs: number, ttlSeconds: number): string {
  const iat = nowMs / 1000;
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256' }));
  const payload = base64url(
    JSON.stringify({
      aud: clientId,
      jti: randomBytes(40).toString('hex'),
      iat,
      nbf: iat,
      exp: iat + ttlSeconds,
      sub: String(userId),
      scopes: [],
    }),
  );
  return `${header}.${payload}.${base64url(randomBytes(512))}`;
}
