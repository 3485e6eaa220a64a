/**
 * What extension pages may know about providers: names, capabilities and settings
 * forms — no network code. The popup draws its forms from this list.
 */
import type { ProviderId } from '../shared/ids.ts';
import { cmccSoftbarInfo } from './cmcc-softbar/cmcc-softbar-info.ts';
import { ing800Info } from './800ing/800ing-info.ts';
import { dscomInfo } from './dscom/dscom-info.ts';
import { sipInfo } from './sip/sip-info.ts';
import { vcallInfo } from './vcall/vcall-info.ts';
import { ccpaasInfo } from './ccpaas/ccpaas-info.ts';
import type { ProviderInfo } from './provider.ts';

export const PROVIDER_CATALOG: Readonly<Record<ProviderId, ProviderInfo<any>>> = {
  'cmcc-softbar': cmccSoftbarInfo,
  dscom: dscomInfo,
  '800ing': ing800Info,
  sip: sipInfo,
  vcall: vcallInfo,
  ccpaas: ccpaasInfo,
};
