/**
 * Every provider the service worker can run. Adding a vendor: create
 * src/providers/<id>/ (see docs/architecture.md), add its id to shared/ids.ts and
 * one line here and in catalog.ts. test/meta/providers.meta.test.ts checks all three agree.
 */
import type { ProviderId } from '../shared/ids.ts';
import { cmccSoftbar } from './cmcc-softbar/index.ts';
import { ing800 } from './800ing/index.ts';
import { dscom } from './dscom/index.ts';
import { sip } from './sip/index.ts';
import { vcall } from './vcall/index.ts';
import { ccpaas } from './ccpaas/index.ts';
import type { Provider } from './provider.ts';

export const PROVIDERS: Readonly<Record<ProviderId, Provider<any>>> = {
  'cmcc-softbar': cmccSoftbar,
  dscom,
  '800ing': ing800,
  sip,
  vcall,
  ccpaas,
};
