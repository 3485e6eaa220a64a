/**
 * Runs the 八百呼 (800ing) simulator as a process:
 *   npx tsx test/simulators/800ing/cli.ts --port 8090 --client-port 10800
 * Prints where the cloud API and the desktop client listen and the credentials; logs each
 * vendor request unless --quiet.
 */
import { stopOnSignal, toNumber, toOneOf } from '../cli-kit.ts';
import { parseArgs } from 'node:util';
import {
  DEFAULT_ACCOUNT,
  DEFAULT_PASSWORD,
  Ing800Simulator,
  type Ing800SimulatorOptions,
  type RecordedRequest,
} from './ing800-simulator.ts';
import { CALLEE_MODES, type HangupStatus } from './rules.ts';

const USAGE = `Usage: tsx test/simulators/800ing/cli.ts [options]
  --port <n>                cloud API port (default 8090, 0 = any free port)
  --client-port <n>         desktop-client port (default 10800, 0 = any free port)
  --host <addr>             address to bind (default 127.0.0.1)
  --account <sa_user>       account (default ${DEFAULT_ACCOUNT})
  --password <clear>        password; sa_password = its uppercase MD5 (default ${DEFAULT_PASSWORD})
  --agent-answer-delay <ms> callbackPhone: the agent's phone auto-answers after (default 300)
  --ring-delay <ms>         agent answered → callee rings (default 800)
  --answer-delay <ms>       callee rings → answer / busy (default 1500)
  --no-answer-timeout <ms>  unanswered ring gives up after (default 30000)
  --callee <mode>           ${CALLEE_MODES.join(' | ')} (default answer)
  --hangup-status <2|3>     status of hang-up messages (default 3)
  --client-stopped          start with the desktop client not running (port refuses)
  --client-logged-out       start with the desktop client not logged in
  --quiet                   do not log requests
  --help`;

interface Cli {
  options: Ing800SimulatorOptions;
  quiet: boolean;
}

function parseCli(argv: string[]): Cli | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'client-port': { type: 'string' },
      host: { type: 'string' },
      account: { type: 'string' },
      password: { type: 'string' },
      'agent-answer-delay': { type: 'string' },
      'ring-delay': { type: 'string' },
      'answer-delay': { type: 'string' },
      'no-answer-timeout': { type: 'string' },
      callee: { type: 'string' },
      'hangup-status': { type: 'string' },
      'client-stopped': { type: 'boolean' },
      'client-logged-out': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  return {
    quiet: values.quiet ?? false,
    options: {
      port: toNumber('--port', values.port) ?? 8090,
      clientPort: toNumber('--client-port', values['client-port']) ?? 10800,
      host: values.host,
      account: values.account,
      password: values.password,
      agentAnswerDelayMs: toNumber('--agent-answer-delay', values['agent-answer-delay']),
      ringDelayMs: toNumber('--ring-delay', values['ring-delay']),
      answerDelayMs: toNumber('--answer-delay', values['answer-delay']),
      noAnswerTimeoutMs: toNumber('--no-answer-timeout', values['no-answer-timeout']),
      calleeMode: toOneOf('--callee', values.callee, CALLEE_MODES),
      hangupStatus: toHangupStatus(values['hangup-status']),
      clientRunning: values['client-stopped'] ? false : undefined,
      clientLoggedIn: values['client-logged-out'] ? false : undefined,
    },
  };
}



function toHangupStatus(value: string | undefined): HangupStatus | undefined {
  if (value === undefined) return undefined;
  if (value !== '2' && value !== '3') throw new Error('--hangup-status must be 2 or 3');
  return Number(value) as HangupStatus;
}

function logRequest(r: RecordedRequest): void {
  const time = new Date(r.at).toLocaleTimeString('en-GB');
  const where = r.server === 'client' ? '[client]' : '[cloud] ';
  // The password hash is long and the same every time; show its case only.
  const params = { ...r.params };
  if (params.sa_password !== undefined) params.sa_password = `<md5 ${r.passwordCase ?? 'not hex'}>`;
  if (params.pass !== undefined) params.pass = r.passwordCase === null ? '<clear>' : `<md5 ${r.passwordCase}>`;
  const entries = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  const query = entries.length === 0 ? '' : `?${entries.join('&')}`;
  const reply = r.reply === null ? '' : ` ${JSON.stringify(r.reply)}`;
  const reason = r.reason === undefined ? '' : `  (${r.reason})`;
  console.log(`${time} ${where} ${r.httpMethod} ${r.path}${query} → ${r.status}${reply}${reason}`);
}

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2));
  if (parsed === null) {
    console.log(USAGE);
    return;
  }
  const sim = new Ing800Simulator({ ...parsed.options, ...(parsed.quiet ? {} : { onRequest: logRequest }) });
  await sim.start();
  const { client } = sim.state;
  console.log('八百呼 (800ing) simulator');
  console.log(`  cloud API  ${sim.baseUrl}/voip/api/jsondata.html  (also jsonpdata.json, jsonpdata.jsonp)`);
  console.log(`  account    sa_user=${sim.account}  sa_password=${sim.passwordMd5}`);
  console.log(`  client     ${sim.clientUrl}/?phone=…&type=0  (${client.running ? 'running' : 'not running'}, ${client.loggedIn ? 'logged in' : 'logged out'})`);
  console.log(`  control    ${sim.baseUrl}/_sim/state  (see README.md for the /_sim/ routes)`);

  stopOnSignal(() => sim.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
