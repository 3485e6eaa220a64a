/**
 * The SIP test harness by hand: Kamailio on ws://127.0.0.1:<port> and the far-end phone page,
 * until Ctrl+C.
 *
 *   npm run sim:sip [-- --port 5066] [-- --fixtures-port 4180] [-- --log]
 *
 * Open the printed peer URLs in Chromium (they register by themselves), or point the
 * extension's SIP settings at the printed WebSocket URL (user 1001, password pw-1001, …).
 * Needs `npm run build:fixtures` first for the peer page.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toNumber, stopOnSignal } from '../simulators/cli-kit.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { sipPassword, startKamailio } from '../support/kamailio.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'fixtures-port': { type: 'string' },
    log: { type: 'boolean', default: false },
  },
});

const sip = await startKamailio({
  port: toNumber('--port', values.port) || undefined,
  ...(values.log ? { onLog: (line: string) => console.log(`[kamailio] ${line}`) } : {}),
});
const fixtures = await startFixtureServer({ port: toNumber('--fixtures-port', values['fixtures-port']) ?? 0 });
const peerBuilt = existsSync(fileURLToPath(new URL('../fixtures/sip-peer/dist/index.html', import.meta.url)));
const peer = (user: string, extra = '') =>
  `${fixtures.url}/sip-peer/dist/index.html?ws=${encodeURIComponent(sip.wsUrl)}&user=${user}&domain=${sip.domain}${extra}`;

console.log(`SIP server   ${sip.wsUrl}   domain ${sip.domain}   (Kamailio pid ${sip.pid})`);
console.log(`passwords    "pw-" + user, e.g. 1001 / ${sipPassword('1001')}`);
if (peerBuilt) {
  console.log(`peer alice   ${peer('alice', '&tone=440')}`);
  console.log(`peer bob     ${peer('bob', '&tone=1000&autoanswer=1')}   (answers by itself)`);
} else {
  console.log('peer page    not built: run `npm run build:fixtures`');
}
console.log('Ctrl+C stops.');

stopOnSignal(async () => {
  await fixtures.close();
  await sip.stop();
});
