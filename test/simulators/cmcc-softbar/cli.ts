/**
 * Runs the softphone-bar simulator as a process:
 *   npx tsx test/simulators/cmcc-softbar/cli.ts --port 8008 --extension 8001
 * Prints where it listens and the secret; logs each vendor-API request unless --quiet.
 */
import { stopOnSignal, toNumber, toOneOf } from '../cli-kit.ts';
import { parseArgs } from 'node:util';
import { CALLEE_MODES } from './call-model.ts';
import { SoftbarSimulator, type RecordedRequest, type SoftbarSimulatorOptions } from './softbar-simulator.ts';

const USAGE = `Usage: tsx test/simulators/cmcc-softbar/cli.ts [options]
  --port <n>               port (default 8008, 0 = any free port)
  --host <addr>            address to bind (default 127.0.0.1)
  --extension <800 no.>    agent's 800 number (default 8001); secret = its MD5
  --username <name>        agent name for getUserInfo (default 张三)
  --phone <number>         agent phone for getUserInfo (default 13800138000)
  --ring-delay <ms>        makeCall → ringing (default 800)
  --answer-delay <ms>      ringing → answer / busy (default 1500)
  --no-answer-timeout <ms> ringing → hangup in noAnswer mode (default 30000)
  --transfer-delay <ms>    transfer → agent leg hangs up (default 500)
  --callee <mode>          ${CALLEE_MODES.join(' | ')} (default answer)
  --logged-out             start with the bar not logged in
  --quiet                  do not log requests
  --help`;

function parseCli(argv: string[]): { options: SoftbarSimulatorOptions; quiet: boolean } | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      extension: { type: 'string' },
      username: { type: 'string' },
      phone: { type: 'string' },
      'ring-delay': { type: 'string' },
      'answer-delay': { type: 'string' },
      'no-answer-timeout': { type: 'string' },
      'transfer-delay': { type: 'string' },
      callee: { type: 'string' },
      'logged-out': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  return {
    quiet: values.quiet ?? false,
    options: {
      port: toNumber('--port', values.port),
      host: values.host,
      extension: values.extension,
      username: values.username,
      phone: values.phone,
      ringDelayMs: toNumber('--ring-delay', values['ring-delay']),
      answerDelayMs: toNumber('--answer-delay', values['answer-delay']),
      noAnswerTimeoutMs: toNumber('--no-answer-timeout', values['no-answer-timeout']),
      transferDelayMs: toNumber('--transfer-delay', values['transfer-delay']),
      calleeMode: toOneOf('--callee', values.callee, CALLEE_MODES),
      barLoggedIn: values['logged-out'] ? false : undefined,
    },
  };
}



function logRequest(r: RecordedRequest): void {
  const time = new Date(r.at).toLocaleTimeString('en-GB');
  const body = r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`;
  const reason = r.reason === undefined ? '' : `  (${r.reason})`;
  console.log(`${time} ${r.method} ${r.path}${body} → ${r.status} ${JSON.stringify(r.reply)}${reason}`);
}

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2));
  if (parsed === null) {
    console.log(USAGE);
    return;
  }
  const sim = new SoftbarSimulator({ ...parsed.options, ...(parsed.quiet ? {} : { onRequest: logRequest }) });
  await sim.start();
  console.log(`CMCC softbar simulator listening on ${sim.baseUrl}`);
  console.log(`  extension ${sim.extension}`);
  console.log(`  secret    ${sim.secret}`);
  console.log(`  control   ${sim.baseUrl}/_sim/state  (see README.md for the /_sim/ routes)`);

  stopOnSignal(() => sim.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
