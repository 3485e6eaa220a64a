/**
 * Runs the CC PaaS platform simulator as a process:
 *   npm run sim:ccpaas -- --port 8096
 * Prints the settings an agent types into CallBar; logs each REST request and CTI frame unless --quiet.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal, toNumber, toOneOf } from '../cli-kit.ts';
import {
  CcpaasSimulator,
  DEFAULT_ACCOUNT,
  DEFAULT_AGENTS,
  DEFAULT_APP_SID,
  PARTY_MODES,
  type CcpaasSimulatorOptions,
  type RecordedRequest,
} from './ccpaas-simulator.ts';
import type { CtiFrameRecord } from './cti-server.ts';
import { PHONE_TYPE_NAME } from './rules.ts';

const USAGE = `Usage: tsx test/simulators/ccpaas/cli.ts [options]
  --port <n>                HTTP port of the ctc API, the CTI WebSocket (/cti) and /_sim/ (default 8096, 0 = any free port)
  --host <addr>             address to bind (default 127.0.0.1)
  --soft-version <v>        the path's {SoftVersion} (default 2016-01-01)
  --ws-addr <url>           the agents' WebPhone 注册地址 (wsAddr; default wss://webrtc.ccpaas.example:7443)
  --sip-domain <domain>     SIP domain of the agents' sipNumber (default: wsAddr's host)
  --auto-answer-phone       the agents' phones are set to auto-answer (incoming: answered isBridged 0, then bridge)
  --manual-agent-answer     the simulated agent never picks up by itself (POST /_sim/agent-answer)
  --agent-answer-delay <ms> the simulated agent picks up after (default 1000)
  --ring-delay <ms>         dialled → an outside phone rings (default 300)
  --answer-delay <ms>       ringing → answer (default 1500)
  --no-answer-timeout <ms>  ringing → no-answer (default 45000)
  --party <mode>            ${PARTY_MODES.join(' | ')} (default answer)
  --wrapup <s>              整理时间 after an answered call, 0 = none (default 15)
  --time-limit <s>          a CTI call ends with completedCause time-limit after (default 0 = none)
  --speed <x>               divide every delay by x (default 1)
  --quiet                   do not log requests and frames
  --help`;

interface Cli {
  options: CcpaasSimulatorOptions;
  wsAddr: string | undefined;
  sipDomain: string | undefined;
  autoAnswerPhone: boolean;
  quiet: boolean;
}

function parseCli(argv: string[]): Cli | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'soft-version': { type: 'string' },
      'ws-addr': { type: 'string' },
      'sip-domain': { type: 'string' },
      'auto-answer-phone': { type: 'boolean' },
      'manual-agent-answer': { type: 'boolean' },
      'agent-answer-delay': { type: 'string' },
      'ring-delay': { type: 'string' },
      'answer-delay': { type: 'string' },
      'no-answer-timeout': { type: 'string' },
      party: { type: 'string' },
      wrapup: { type: 'string' },
      'time-limit': { type: 'string' },
      speed: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  return {
    quiet: values.quiet ?? false,
    wsAddr: values['ws-addr'],
    sipDomain: values['sip-domain'],
    autoAnswerPhone: values['auto-answer-phone'] ?? false,
    options: {
      port: toNumber('--port', values.port) ?? 8096,
      host: values.host,
      softVersion: values['soft-version'],
      agentAnswer: values['manual-agent-answer'] ? 'manual' : undefined,
      agentAnswerDelayMs: toNumber('--agent-answer-delay', values['agent-answer-delay']),
      ringDelayMs: toNumber('--ring-delay', values['ring-delay']),
      answerDelayMs: toNumber('--answer-delay', values['answer-delay']),
      noAnswerTimeoutMs: toNumber('--no-answer-timeout', values['no-answer-timeout']),
      partyMode: toOneOf('--party', values.party, PARTY_MODES),
      wrapupSeconds: toNumber('--wrapup', values.wrapup, true),
      callTimeLimitSeconds: toNumber('--time-limit', values['time-limit'], true),
      speed: toNumber('--speed', values.speed, true),
    },
  };
}

function time(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB');
}

function logRequest(r: RecordedRequest): void {
  const body = r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`;
  console.log(`${time(r.at)} ${r.method} ${r.path}${body} → ${r.status} ${JSON.stringify(r.reply)}${r.fault === undefined ? '' : `  [fault: ${r.fault}]`}`);
}

function logFrame(f: CtiFrameRecord): void {
  console.log(`${time(f.at)} cti#${f.connection}${f.agentNo === null ? '' : ` ${f.agentNo}`} ⇠ ${JSON.stringify(f.frame)} → ${JSON.stringify(f.reply)}`);
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli === null) {
    console.log(USAGE);
    return;
  }
  const agents = DEFAULT_AGENTS.map((a) => ({
    ...a,
    ...(cli.wsAddr === undefined ? {} : { wsAddr: cli.wsAddr }),
    ...(cli.sipDomain === undefined ? {} : { sipDomain: cli.sipDomain }),
    ...(cli.autoAnswerPhone ? { autoAnswer: true } : {}),
  }));
  const sim = new CcpaasSimulator({ ...cli.options, agents, ...(cli.quiet ? {} : { onRequest: logRequest, onFrame: logFrame }) });
  await sim.start();
  const a = DEFAULT_ACCOUNT;
  console.log('CC PaaS platform simulator');
  console.log(`  REST base URL  ${sim.baseUrl}   SoftVersion ${sim.softVersion}`);
  console.log(`                 POST /${sim.softVersion}/Accounts/{accountSid}/Applications/{applicationSid}/ctc/Conversations[/{conversationSid}]`);
  console.log(`  AccountSid     ${a.accountSid}`);
  console.log(`  AccountToken   ${a.accountToken}`);
  console.log(`  applicationSid ${DEFAULT_APP_SID}`);
  console.log(`  CTI url        ${sim.ctiUrl}`);
  console.log(`  appSid         ${DEFAULT_APP_SID}`);
  for (const agent of agents) {
    const t = agent.phoneType ?? 1;
    console.log(`  agent ${agent.agentNo}     password ${agent.pwd}   phoneType ${t} ${PHONE_TYPE_NAME[t]}   pstnNumber ${agent.pstnNumber}   sipNumber ${agent.sipNumber} / ${agent.sipPwd}   wsAddr ${agent.wsAddr}`);
  }
  console.log(`  control        ${sim.baseUrl}/_sim/state  (see test/simulators/ccpaas/README.md for the /_sim/ routes)`);
  stopOnSignal(() => sim.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
