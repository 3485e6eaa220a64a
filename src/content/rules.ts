/**
 * Rules say where call buttons go on a site: "every element matching `selector`
 * on pages of `origin` whose path matches `pathPattern`". They are not secrets, so
 * they live in chrome.storage.local where the content script reads them directly.
 */
import browser from 'webextension-polyfill';

export interface ButtonRule {
  id: string;
  origin: string;
  /** Glob on location.pathname: `*` matches anything. */
  pathPattern: string;
  selector: string;
  source: 'picker' | 'selector';
  createdAt: number;
}

export const RULES_KEY = 'callbar:rules';

export async function loadRules(): Promise<ButtonRule[]> {
  const stored = (await browser.storage.local.get(RULES_KEY))[RULES_KEY];
  return Array.isArray(stored) ? (stored as ButtonRule[]) : [];
}

export async function saveRules(rules: ButtonRule[]): Promise<void> {
  await browser.storage.local.set({ [RULES_KEY]: rules });
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export function rulesForLocation(rules: readonly ButtonRule[], location: { origin: string; pathname: string }): ButtonRule[] {
  return rules.filter((r) => r.origin === location.origin && globToRegExp(r.pathPattern).test(location.pathname));
}

/** A selector the page's querySelectorAll accepts, or the reason it does not. */
export function checkSelector(selector: string, root: ParentNode = document): { ok: true; matched: number } | { ok: false; error: string } {
  const trimmed = selector.trim();
  if (!trimmed) return { ok: false, error: '请填写 CSS 选择器' };
  if (trimmed.length > 500) return { ok: false, error: '选择器太长（最多 500 个字符）' };
  try {
    return { ok: true, matched: root.querySelectorAll(trimmed).length };
  } catch {
    return { ok: false, error: `“${trimmed.slice(0, 60)}”不是有效的 CSS 选择器` };
  }
}

export function newRuleId(): string {
  return `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
