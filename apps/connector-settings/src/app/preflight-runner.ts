import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PreflightSchedule, type ChecksFactory, type ProbeSession } from './preflight-schedule';

/** No answer to store: Salesforce did not answer every question, or no session could be had. */
export type InconclusivePreflight = { kind: 'inconclusive'; reason: string };

/** One check of one holder: its session, the questions for that session, and what the answers conclude. */
export interface PreflightCheck<Checks, Outcome extends { kind: string }> {
  /** The key the schedule knows the holder by. */
  key: string;
  /** For the logs: `connection <id>: the preflight is inconclusive`, or `org <id>: the reader's preflight …`. */
  subject: string;
  preflight: string;
  /** Whose session could not be had: `the connection`, `the reader`. */
  holder: string;
  /** The holder's session; a new one when Salesforce rejected the access token `rejected`. */
  session(rejected: string | undefined): Promise<ProbeSession>;
  checksFor: ChecksFactory<Checks>;
  /** What the answers conclude; `inconclusive` when Salesforce did not answer every question. */
  ask(checks: Checks): Promise<Outcome>;
}

/** An inconclusive check stores nothing and leaves the holder alone for a while. */
export abstract class PreflightRunner<Due> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly schedule: PreflightSchedule<Due>;

  /** `name`: the loop's (`connection preflight`), its logger's with dashes; every `intervalSeconds` a holder is due. */
  protected constructor(name: string, intervalSeconds: number) {
    this.logger = new Logger(name.replaceAll(' ', '-'));
    this.schedule = new PreflightSchedule(name, this.logger, intervalSeconds * 1000, {
      listDue: (checkedBefore, limit) => this.listDue(checkedBefore, limit),
      keyOf: (item) => this.keyOf(item),
      check: (item) => this.checkDue(item),
    });
  }

  /** The holders not checked since `checkedBefore`, at most `limit`. */
  protected abstract listDue(checkedBefore: Date, limit: number): Promise<Due[]>;
  protected abstract keyOf(item: Due): string;
  protected abstract checkDue(item: Due): Promise<void>;

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass over the holders that are due; true when there may be more. */
  round(now = Date.now()): Promise<boolean> {
    return this.schedule.round(now);
  }

  protected async runCheck<Checks, Outcome extends { kind: string }>(
    check: PreflightCheck<Checks, Outcome>,
  ): Promise<Outcome | InconclusivePreflight> {
    let outcome: Outcome | InconclusivePreflight;
    try {
      const session = await check.session(undefined);
      const checks = check.checksFor(session, (rejected) => check.session(rejected));
      outcome = await check.ask(checks);
    } catch (e) {
      // No session (a refused grant, which marks a reader revoked; or Salesforce's token endpoint did not answer).
      outcome = { kind: 'inconclusive', reason: `no session for ${check.holder}: ${(e as Error).message}` };
    }
    if (outcome.kind === 'inconclusive') {
      this.schedule.inconclusive(check.key);
      this.logger.warn(
        `${check.subject}: ${check.preflight} is inconclusive (${(outcome as InconclusivePreflight).reason}); trying again later`,
      );
      return outcome;
    }
    this.schedule.conclusive(check.key);
    return outcome;
  }
}
