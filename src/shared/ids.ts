/** Ids of the telephony providers. The id is also the folder name under src/providers/. */
export const PROVIDER_IDS = ['cmcc-softbar', 'dscom', '800ing', 'sip', 'vcall', 'ccpaas'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}
