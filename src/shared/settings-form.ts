/**
 * A provider's settings as form values and back, for the popup's login form and the options
 * page (one conversion, so both send the schema the same thing). Text-like fields are strings,
 * checkboxes booleans; a number field sends a number when it holds one (else the text, so the
 * schema names the mistake); fields hidden by `showWhen` still send their value.
 */
import type { SettingsFieldInfo, ShowWhen } from './settings-file.ts';

export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

export function toFormValue(field: SettingsFieldInfo, value: unknown): FormValue {
  if (field.type === 'checkbox') return value === true || value === 'true';
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export function fromFormValue(field: SettingsFieldInfo, value: FormValue | undefined): unknown {
  if (field.type === 'checkbox') return value === true;
  const text = typeof value === 'string' ? value : '';
  if (field.type === 'number') return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
  return text;
}

/** Initial values: saved ones, else the provider's defaults. */
export function formValues(fields: readonly SettingsFieldInfo[], saved: unknown, defaults: unknown): FormValues {
  const s = (saved ?? {}) as Record<string, unknown>;
  const d = (defaults ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f.key, toFormValue(f, s[f.key] ?? d[f.key])]));
}

export function settingsFromForm(fields: readonly SettingsFieldInfo[], value: (key: string) => FormValue | undefined): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.key, fromFormValue(f, value(f.key))]));
}

export function isFieldShown(field: SettingsFieldInfo, value: (key: string) => FormValue | undefined): boolean {
  if (!field.showWhen) return true;
  const conditions: readonly ShowWhen[] = Array.isArray(field.showWhen) ? field.showWhen : [field.showWhen as ShowWhen];
  return conditions.every((c) => {
    const current = value(c.key);
    return Array.isArray(c.value) ? c.value.some((v) => v === current) : current === c.value;
  });
}
