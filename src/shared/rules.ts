/**
 * Where call buttons go on a site. A rule says "every element matching `selector`
 * on pages of `origin` whose path matches `pathPattern` gets a call button".
 * Rules and per-site switches are not secrets: they live in chrome.storage.local,
 * where content scripts read them directly and the popup edits them.
 */
import { t } from './i18n.ts';

export interface ButtonRule {
  id: string;
  /** `https://crm.example.com` (scheme + host + port) of the page, or frame, the cells are in. */
  origin: string;
  /**
   * The top-level site the rule was made under, when the cells are in a frame of another
   * origin: its buttons act only when framed by that site (a page of another site framing the
   * CRM gets nothing). Absent: the same as `origin`.
   */
  topOrigin?: string;
  /** Glob on `location.pathname + location.search + location.hash`; `*` matches anything. */
  pathPattern: string;
  /** CSS selector of the cells that hold the number. */
  selector: string;
  source: 'picker' | 'selector' | 'import';
  /** A name for the rule, e.g. the column header (手机号码). */
  label?: string;
  /**
   * Where the real number lives when the cell shows a masked one (138****8000):
   * an attribute of the cell or of its row, or a selector evaluated inside the row.
   */
  numberFrom?: { attribute: string } | { rowSelector: string };
  createdAt: number;
}

export interface SiteSettings {
  /** Make numbers in page text and tel: links dialable without a rule (off by default). */
  autoDetect: boolean;
  /**
   * CallBar runs on this site (docs/security.md): true once the agent enabled it in the popup,
   * false after 停用本站 or once its last rule was removed. Absent: enabled when the site has
   * rules or automatic detection (rules imported from a file, or stored before sites had to be
   * enabled).
   */
  enabled?: boolean;
  /** Listed by the administrator in enterprise policy (`crmOrigins`): enabled, and the agent cannot disable it. */
  byPolicy?: boolean;
}

export const RULES_KEY = 'callbar:rules';
export const SITES_KEY = 'callbar:sites';

/** The export/import file format. */
export interface RulesFile {
  format: 'callbar-rules';
  version: 1;
  rules: ButtonRule[];
  sites: Record<string, SiteSettings>;
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export function pageKey(location: { pathname: string; search: string; hash: string }): string {
  return `${location.pathname}${location.search}${location.hash}`;
}

/**
 * Does `rule` put buttons on this page? `topOrigin` is the origin of the tab's top-level page
 * (for a frame, the last of `location.ancestorOrigins`); absent for a top-level page.
 */
export function ruleApplies(rule: ButtonRule, location: { origin: string; pathname: string; search: string; hash: string }, topOrigin: string = location.origin): boolean {
  if (rule.origin !== location.origin || (rule.topOrigin ?? rule.origin) !== topOrigin) return false;
  try {
    return globToRegExp(rule.pathPattern).test(pageKey(location));
  } catch {
    return false;
  }
}

/** The default path pattern for a rule picked on `pathname`: its folder and everything below. */
export function defaultPathPattern(pathname: string): string {
  const folder = pathname.slice(0, pathname.lastIndexOf('/') + 1) || '/';
  return `${folder}*`;
}

/** Why a rule cannot be used as written, in the agent's words; null when it is fine. */
export function ruleProblem(rule: Pick<ButtonRule, 'origin' | 'pathPattern' | 'selector'>): string | null {
  if (!/^https?:\/\/[^/\s]+$/.test(rule.origin)) return t('ruleOriginInvalid', rule.origin);
  if (!rule.pathPattern.startsWith('/') && rule.pathPattern !== '*') return t('rulePathNoSlash');
  if (rule.pathPattern.length > 300) return t('rulePathTooLong');
  if (!rule.selector.trim()) return t('ruleSelectorMissing');
  if (rule.selector.length > 500) return t('ruleSelectorTooLong');
  return null;
}

/** Does CallBar run on `origin` (see SiteSettings.enabled)? */
export function siteEnabled(origin: string, stored: StoredRules): boolean {
  const site = Object.hasOwn(stored.sites, origin) ? stored.sites[origin] : undefined;
  if (site?.byPolicy) return true;
  if (site?.enabled !== undefined) return site.enabled;
  return !!site?.autoDetect || stored.rules.some((r) => r.origin === origin);
}

/** Every origin CallBar runs on. */
export function enabledOrigins(stored: StoredRules): string[] {
  const candidates = new Set([...Object.keys(stored.sites), ...stored.rules.map((r) => r.origin)]);
  return [...candidates].filter((origin) => isSiteOrigin(origin) && siteEnabled(origin, stored)).sort();
}

/** `https://crm.example.com:8443` — a web origin (no path), the only kind a site can be. */
export function isSiteOrigin(origin: string): boolean {
  return /^https?:\/\/[^/\s*]+$/.test(origin);
}

/** The match pattern for every page of `origin` (host permission and content-script matches). */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}

export function newRuleId(): string {
  return `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface StoredRules {
  rules: ButtonRule[];
  sites: Record<string, SiteSettings>;
}

/** The rules and site switches out of a `storage.local.get([RULES_KEY, SITES_KEY])` result. */
export function rulesFromStorage(stored: Record<string, unknown>): StoredRules {
  const rules = stored[RULES_KEY];
  const sites = stored[SITES_KEY];
  return {
    rules: Array.isArray(rules) ? (rules as ButtonRule[]) : [],
    sites: sites && typeof sites === 'object' && !Array.isArray(sites) ? (sites as Record<string, SiteSettings>) : {},
  };
}
