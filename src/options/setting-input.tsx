/**
 * The control for one provider settings field, by its type (text, password, url, number,
 * checkbox, select). Used by the popup's login form and the options page so both look and
 * behave the same.
 */
import type { SettingsField } from '../providers/provider.ts';
import type { FormValue } from '../shared/settings-form.ts';

export interface SettingInputProps {
  field: SettingsField;
  value: FormValue;
  id?: string;
  testid: string;
  disabled: boolean;
  invalid: boolean;
  describedBy?: string;
  onChange(value: FormValue): void;
}

export function SettingInput({ field, value, id, testid, disabled, invalid, describedBy, onChange }: SettingInputProps) {
  const common = {
    id,
    name: field.key,
    'data-testid': testid,
    disabled,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
  };
  if (field.type === 'checkbox') {
    return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />;
  }
  if (field.type === 'select') {
    return (
      <select {...common} value={String(value)} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {field.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      {...common}
      {...(field.type === 'password' ? { type: 'password' as const } : { type: 'text' as const, inputMode: field.type === 'number' ? ('numeric' as const) : ('text' as const) })}
      autocomplete={field.type === 'password' ? 'current-password' : 'off'}
      placeholder={field.placeholder}
      value={String(value)}
      onInput={(e) => onChange((e.target as HTMLInputElement).value)}
    />
  );
}
