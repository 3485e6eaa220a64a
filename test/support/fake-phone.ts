/**
 * A PhoneLink for providers' unit tests: records every command, answers with a status the test
 * scripts (or a failure), and lets the test push statuses as the phone would. The real phone is
 * proven against Kamailio in test/e2e/phone.e2e.ts.
 */
import type { PhoneLink } from '../../src/providers/provider.ts';
import { phoneError, type PhoneFailure } from '../../src/providers/phone-text.ts';
import type { PhoneCommand, PhoneStatus } from '../../src/shared/softphone.ts';

export class FakePhone implements PhoneLink {
  readonly commands: PhoneCommand[] = [];
  status: PhoneStatus = { instance: 'fake', seq: 0, account: null, registration: 'unregistered', dnd: false, mic: 'unknown', call: null, retries: 0 };
  /** The next commands of these types fail like this. */
  readonly failures = new Map<PhoneCommand['type'], PhoneFailure>();
  /** How the phone reacts to a command (default: registered for register, dnd toggles, the rest as is). */
  react: (command: PhoneCommand, status: PhoneStatus) => Partial<PhoneStatus> = defaultReaction;
  private readonly listeners = new Set<(status: PhoneStatus) => void>();

  async send(command: PhoneCommand): Promise<PhoneStatus> {
    this.commands.push(command);
    const failure = this.failures.get(command.type);
    if (failure) {
      this.failures.delete(command.type);
      throw phoneError(failure, command.type === 'register' ? command.account.wsUrl : '');
    }
    this.set(this.react(command, this.status));
    return this.status;
  }

  subscribe(listener: (status: PhoneStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Change the phone's status and push it, as the offscreen document does after every change. */
  push(patch: Partial<PhoneStatus>): PhoneStatus {
    this.set(patch);
    for (const listener of [...this.listeners]) listener(this.status);
    return this.status;
  }

  types(): string[] {
    return this.commands.map((c) => c.type);
  }

  private set(patch: Partial<PhoneStatus>): void {
    this.status = { ...this.status, ...patch, seq: this.status.seq + 1 };
  }
}

function defaultReaction(command: PhoneCommand): Partial<PhoneStatus> {
  switch (command.type) {
    case 'register':
      return { account: `${command.account.wsUrl} ${command.account.uri} ${command.account.authUser ?? ''}`, registration: 'registered', dnd: command.dnd };
    case 'unregister':
      return { account: null, registration: 'unregistered' };
    case 'dnd':
      return { dnd: command.on };
    default:
      return {};
  }
}
