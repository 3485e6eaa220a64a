/**
 * Runs the dscom-api PBX simulator as a process:
 *   npx tsx test/simulators/dscom/cli.ts --port 8080 --billing-port 8282 --token-ttl 1800
 * Prints where it listens and the credentials; logs each vendor request unless --quiet.
 */
import { stopOnSignal, toNumber, toOneOf } from '../cli-kit.ts';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CLIENT,
  DEFAULT_USER,
  DscomSimulator,
  type DscomSimulatorOptions,
  type RecordedRequest,
} from './dscom-simulator.ts';
import { CALLEE_MODES } from './rules.ts';

const USAGE = `Usage: tsx test/simulators/dscom/cli.ts [options]
  --port <n>                HTTP port (default 8080, 0 = any free port)
  --billing-port <n>        billing websocket port (default 8282, 0 = any free port)
  --host <addr>             address to bind (default 127.0.0.1)
  --token-ttl <s>           access-token lifetime, expires_in (default 1800)
  --agent-answer-delay <ms> the agent's phone auto-answers an API call after (default 300)
  --manual-agent-answer     the agent's phone never auto-answers (use POST /_sim/agent-answer)
  --ring-delay <ms>         agent answered → destination rings (default 800)
  --answer-delay <ms>       destination rings → answer/busy (default 1500)
  --no-answer-timeout <ms>  dial timeout (default 45000)
  --agent-ring-timeout <ms> queue call rings a member for (default 15000)
  --wrap-up <s>             整理 after each call of a logged-in agent (default 5)
  --parking-timeout <ms>    parked call rings back the parker after (default 600000)
  --callee <mode>           ${CALLEE_MODES.join(' | ')} (default answer)
  --quiet                   do not log requests
  --help`;

interface Cli {
  options: DscomSimulatorOptions;
  quiet: boolean;
}

function parseCli(argv: string[]): Cli | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'billing-port': { type: 'string' },
      host: { type: 'string' },
      'token-ttl': { type: 'string' },
      'agent-answer-delay': { type: 'string' },
      'manual-agent-answer': { type: 'boolean' },
      'ring-delay': { type: 'string' },
      'answer-delay': { type: 'string' },
      'no-answer-timeout': { type: 'string' },
      'agent-ring-timeout': { type: 'string' },
      'wrap-up': { type: 'string' },
      'parking-timeout': { type: 'string' },
      callee: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  return {
    quiet: values.quiet ?? false,
    options: {
      port: toNumber('--port', values.port) ?? 8080,
      billingPort: toNumber('--billing-port', values['billing-port']) ?? 8282,
      host: values.host,
      tokenTtlSeconds: toNumber('--token-ttl', values['token-ttl']),
      agentAnswerDelayMs: toNumber('--agent-answer-delay', values['agent-answer-delay']),
      agentAutoAnswer: values['manual-agent-answer'] ? false : undefined,
      ringDelayMs: toNumber('--ring-delay', values['ring-delay']),
      answerDelayMs: toNumber('--answer-delay', values['answer-delay']),
      noAnswerTimeoutMs: toNumber('--no-answer-timeout', values['no-answer-timeout']),
      agentRingTimeoutMs: toNumber('--agent-ring-timeout', values['agent-ring-timeout']),
      wrapUpSeconds: toNumber('--wrap-up', values['wrap-up'], true),
      parkingTimeoutMs: toNumber('--parking-timeout', values['parking-timeout']),
      calleeMode: toOneOf('--callee', values.callee, CALLEE_MODES),
    },
  };
}



/** Tokens are long; the log shows their first characters only. */
function shorten(text: string): string {
  return text.replace(/(eyJ[\w-]{12})[\w.-]{20,}/g, '$1…').replace(/(def50200[0-9a-f]{8})[0-9a-f]{20,}/g, '$1…');
}

function logRequest(r: RecordedRequest): void {
  const time = new Date(r.at).toLocaleTimeString('en-GB');
  const query = Object.keys(r.query).length === 0 ? '' : `?${new URLSearchParams(r.query).toString()}`;
  const body = r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`;
  const auth = r.server === 'http' && r.route !== 'oauth/token' && r.headers.authorization === null ? ' [no token]' : '';
  const reply = r.reply === null ? '' : ` ${JSON.stringify(r.reply)}`;
  const reason = r.reason === undefined ? '' : `  (${r.reason})`;
  console.log(shorten(`${time} ${r.method} ${r.path}${query}${body}${auth} → ${r.status}${reply}${reason}`));
}

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2));
  if (parsed === null) {
    console.log(USAGE);
    return;
  }
  const sim = new DscomSimulator({ ...parsed.options, ...(parsed.quiet ? {} : { onRequest: logRequest }) });
  await sim.start();
  console.log(`dscom-api PBX simulator`);
  console.log(`  API       ${sim.baseUrl}/dscom-api   (token: POST /public/oauth/token, API: /api/v1/…)`);
  console.log(`  billing   ${sim.billingUrl}/?user_id=billing&token=<access_token>`);
  console.log(`  client    client_id ${DEFAULT_CLIENT.id}, client_secret ${DEFAULT_CLIENT.secret}`);
  console.log(`  user      ${DEFAULT_USER.username} / ${DEFAULT_USER.password}`);
  console.log(`  phones    8001 8002 8003 8005 · agent 1011 · queues 200 201 · trunk trunkHWD`);
  console.log(`  control   ${sim.baseUrl}/_sim/state  (see README.md for the /_sim/ routes)`);

  stopOnSignal(() => sim.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
