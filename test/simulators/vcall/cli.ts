/**
 * Runs the v-call platform simulator as a process, with its own RabbitMQ (web-STOMP) unless
 * --broker-url names one:
 *   npm run sim:vcall -- --port 8095
 * Prints the settings an agent types into CallBar; logs each request and event unless --quiet.
 */
import { parseArgs } from 'node:util';
import { startRabbit, type Rabbit } from '../../support/rabbitmq.ts';
import { stopOnSignal, toNumber, toOneOf } from '../cli-kit.ts';
import { DEFAULT_AGENTS, DEFAULT_COMPANY, PARTY_MODES, VcallSimulator, type PublishedEvent, type VcallSimulatorOptions } from './vcall-simulator.ts';
import type { RecordedRequest } from './vcall-simulator.ts';

const USAGE = `Usage: tsx test/simulators/vcall/cli.ts [options]
  --port <n>                HTTP port of the APIs and /_sim/ (default 8095, 0 = any free port)
  --host <addr>             address to bind (default 127.0.0.1)
  --stomp-port <n>          web-STOMP port of the broker this command starts (default 15674)
  --amqp-port <n>           its AMQP port (default 5673)
  --broker-url <ws-url>     use a running broker instead (ws://host:port/ws) …
  --broker-login <name>     … publishing with this account (full rights on the vhost)
  --broker-passcode <pw>
  --vhost <name>            virtual host of the agents' queues (default vcall)
  --mq-login <name>         the agents' broker account (connectAccount; default vcall-agent)
  --mq-passcode <pw>        its password (connectPassword; default vcall-agent-pw)
  --manual-agent-answer     the agent's phone never answers by itself (POST /_sim/agent/answer)
  --agent-answer-delay <ms> the agent's phone answers after (default 0)
  --ring-delay <ms>         dialled → the customer's phone rings (default 300)
  --answer-delay <ms>       ringing → answer / busy (default 1000)
  --no-answer-timeout <ms>  ringing → 1019 久叫不应 (default 45000)
  --party <mode>            ${PARTY_MODES.join(' | ')} (default answer)
  --auto-idle <s>           agentAutoIdleTime after a call, -1 = off (default 10)
  --speed <x>               divide every delay by x (default 1)
  --quiet                   do not log requests and events
  --help`;

interface Cli {
  options: VcallSimulatorOptions;
  stompPort: number;
  amqpPort: number;
  broker: { url: string; login: string; passcode: string } | null;
  vhost: string;
  mqLogin: string;
  mqPasscode: string;
  quiet: boolean;
}

function parseCli(argv: string[]): Cli | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'stomp-port': { type: 'string' },
      'amqp-port': { type: 'string' },
      'broker-url': { type: 'string' },
      'broker-login': { type: 'string' },
      'broker-passcode': { type: 'string' },
      vhost: { type: 'string' },
      'mq-login': { type: 'string' },
      'mq-passcode': { type: 'string' },
      'manual-agent-answer': { type: 'boolean' },
      'agent-answer-delay': { type: 'string' },
      'ring-delay': { type: 'string' },
      'answer-delay': { type: 'string' },
      'no-answer-timeout': { type: 'string' },
      party: { type: 'string' },
      'auto-idle': { type: 'string' },
      speed: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  const autoIdle = values['auto-idle'] === '-1' ? -1 : toNumber('--auto-idle', values['auto-idle'], true);
  const brokerUrl = values['broker-url'];
  if (brokerUrl !== undefined && (values['broker-login'] === undefined || values['broker-passcode'] === undefined)) {
    throw new Error('--broker-url needs --broker-login and --broker-passcode');
  }
  return {
    quiet: values.quiet ?? false,
    stompPort: toNumber('--stomp-port', values['stomp-port']) ?? 15674,
    amqpPort: toNumber('--amqp-port', values['amqp-port']) ?? 5673,
    broker: brokerUrl === undefined ? null : { url: brokerUrl, login: values['broker-login']!, passcode: values['broker-passcode']! },
    vhost: values.vhost ?? 'vcall',
    mqLogin: values['mq-login'] ?? 'vcall-agent',
    mqPasscode: values['mq-passcode'] ?? 'vcall-agent-pw',
    options: {
      port: toNumber('--port', values.port) ?? 8095,
      host: values.host,
      agentAutoAnswer: values['manual-agent-answer'] ? false : undefined,
      agentAnswerDelayMs: toNumber('--agent-answer-delay', values['agent-answer-delay']),
      ringDelayMs: toNumber('--ring-delay', values['ring-delay']),
      answerDelayMs: toNumber('--answer-delay', values['answer-delay']),
      noAnswerTimeoutMs: toNumber('--no-answer-timeout', values['no-answer-timeout']),
      partyMode: toOneOf('--party', values.party, PARTY_MODES),
      autoIdleSeconds: autoIdle,
      speed: toNumber('--speed', values.speed, true),
    },
  };
}

function time(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB');
}

function logRequest(r: RecordedRequest): void {
  const body = r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`;
  const reply = r.reply === null ? ' (no answer)' : ` → ${r.status} ${JSON.stringify(r.reply)}`;
  console.log(`${time(r.at)} ${r.method} ${r.path}${body}${reply}${r.fault === undefined ? '' : `  [fault: ${r.fault}]`}`);
}

function logEvent(e: PublishedEvent): void {
  const ev = e.event;
  const data = ev.data === undefined ? '' : ` ${JSON.stringify(ev.data).slice(0, 200)}`;
  console.log(`${time(Date.now())}   ⇢ ${e.destination} ${String(ev.event)} (${String(ev.nowState)})${data}`);
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli === null) {
    console.log(USAGE);
    return;
  }
  let mq: Rabbit | null = null;
  let stomp = cli.broker;
  let stompUrl = cli.broker?.url ?? '';
  if (stomp === null) {
    console.log('starting RabbitMQ (web-STOMP)…');
    mq = await startRabbit({ stompPort: cli.stompPort, amqpPort: cli.amqpPort });
    await mq.addUser(cli.vhost, cli.mqLogin, cli.mqPasscode);
    // The platform publishes to the broker itself, not through the relay the agent connects by.
    stomp = { url: mq.platformUrl, login: mq.admin.login, passcode: mq.admin.passcode };
    stompUrl = mq.stompUrl;
  }
  const sim = new VcallSimulator({
    ...cli.options,
    stomp: { ...stomp, vhost: cli.vhost },
    ...(cli.quiet ? {} : { onRequest: logRequest, onEvent: logEvent }),
  });
  await sim.start();
  const c = DEFAULT_COMPANY;
  console.log(`v-call platform simulator`);
  console.log(`  API            ${sim.baseUrl}   (POST /api/token, /api/agent/open/call, /api/sip/makecall, /ccs/api/agent/control)`);
  console.log(`  company        companyId ${c.companyId}   short name ${c.shortName}`);
  console.log(`  access keys    accessKeyId ${c.accessKeyId}   accessKeySecret ${c.accessKeySecret}`);
  console.log(`  agents         ${DEFAULT_AGENTS.map((a) => `${a.agentNumber}${a.agentType === 1 ? ' (班长)' : ''}`).join(', ')}   password 123456`);
  console.log(`  events (STOMP) url ${stompUrl}   host (vhost) ${cli.vhost}`);
  console.log(`                 connectAccount ${cli.mqLogin}   connectPassword ${cli.mqPasscode}`);
  console.log(`                 subscribePath /queue/vcall.${c.companyId}.<agentNumber>`);
  console.log(`  busy types     ${c.busyTypes!.join(', ')}   groups ${c.groups!.map((g) => `${g.name} ${g.id}`).join(', ')}`);
  console.log(`  control        ${sim.baseUrl}/_sim/state  (see test/simulators/vcall/README.md for the /_sim/ routes)`);
  stopOnSignal(async () => {
    await sim.close();
    await mq?.stop();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
