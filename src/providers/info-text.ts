/**
 * Provider info files (`<id>-info.ts`) are pure data and hold message keys (`Text`), not words:
 * labels, agent-state and action names, settings labels, hints and placeholders. `localizeInfo()`
 * turns them into the `ProviderInfo` pages and the engine use, in the extension's language
 * (chrome.i18n is synchronous, so this runs where the info is imported or the session is built).
 */
import { type Text, text } from '../shared/i18n.ts';
import type { AgentStateOption, Capabilities, ExtraAction, ProviderInfo, SettingsField } from './provider.ts';

export type { Text } from '../shared/i18n.ts';

export interface AgentStateDef extends Omit<AgentStateOption, 'label'> {
  label: Text;
}
export interface ExtraActionDef extends Omit<ExtraAction, 'label' | 'input'> {
  label: Text;
  input?: {
    label: Text;
    placeholder?: Text;
    kinds?: readonly { id: string; label: Text; placeholder?: Text; options?: boolean }[];
    options?: boolean;
    free?: boolean;
    member?: boolean;
  };
}
export interface CapabilitiesDef extends Omit<Capabilities, 'agentStates' | 'extraActions'> {
  agentStates: readonly AgentStateDef[];
  extraActions: readonly ExtraActionDef[];
}
export interface SettingsFieldDef extends Omit<SettingsField, 'label' | 'options' | 'placeholder' | 'help'> {
  label: Text;
  options?: readonly { value: string; label: Text }[];
  /** Data shown as is (a URL, a port) is `['verbatim', value]`. */
  placeholder?: Text;
  help?: Text;
}
export interface ProviderInfoDef<S> extends Omit<ProviderInfo<S>, 'name' | 'description' | 'capabilities' | 'capabilitiesFor' | 'settingsFields'> {
  name: Text;
  description: Text;
  capabilities: CapabilitiesDef;
  capabilitiesFor?(settings: S): CapabilitiesDef;
  settingsFields: readonly SettingsFieldDef[];
}

export function localizeAgentState(def: AgentStateDef): AgentStateOption {
  return { ...def, label: text(def.label) };
}

export function localizeAction(def: ExtraActionDef): ExtraAction {
  const { input, ...rest } = def;
  return {
    ...rest,
    label: text(def.label),
    ...(input
      ? {
          input: {
            label: text(input.label),
            ...(input.placeholder ? { placeholder: text(input.placeholder) } : {}),
            ...(input.kinds
              ? { kinds: input.kinds.map((k) => ({ id: k.id, label: text(k.label), ...(k.placeholder ? { placeholder: text(k.placeholder) } : {}), ...(k.options !== undefined ? { options: k.options } : {}) })) }
              : {}),
            ...(input.options !== undefined ? { options: input.options } : {}),
            ...(input.free !== undefined ? { free: input.free } : {}),
            ...(input.member !== undefined ? { member: input.member } : {}),
          },
        }
      : {}),
  };
}

export function localizeCapabilities(def: CapabilitiesDef): Capabilities {
  return { ...def, agentStates: def.agentStates.map(localizeAgentState), extraActions: def.extraActions.map(localizeAction) };
}

export function localizeField(def: SettingsFieldDef): SettingsField {
  const { options, placeholder, help, ...rest } = def;
  return {
    ...rest,
    label: text(def.label),
    ...(options ? { options: options.map((o) => ({ value: o.value, label: text(o.label) })) } : {}),
    ...(placeholder ? { placeholder: text(placeholder) } : {}),
    ...(help ? { help: text(help) } : {}),
  };
}

export function localizeInfo<S>(def: ProviderInfoDef<S>): ProviderInfo<S> {
  const { capabilitiesFor, ...rest } = def;
  return {
    ...rest,
    name: text(def.name),
    description: text(def.description),
    capabilities: localizeCapabilities(def.capabilities),
    settingsFields: def.settingsFields.map(localizeField),
    ...(capabilitiesFor ? { capabilitiesFor: (settings: S) => localizeCapabilities(capabilitiesFor(settings)) } : {}),
  };
}

export { message } from '../shared/zod-locale.ts';
