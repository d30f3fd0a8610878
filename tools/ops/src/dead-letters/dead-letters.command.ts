import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { Kafka } from 'kafkajs';
import type { OpsConfig } from '../ops.config';
import {
  LINE_HEADER,
  filterLetters,
  findLetters,
  formatLetterLine,
  parseSince,
  planReplay,
  replayabilityOf,
  shortId,
  type LetterEntry,
  type LetterFilter,
} from './dead-letter-log';
import { readDeadLetterTopic, replayGroup, type ReadProgress } from './dead-letter-topic';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Whether errors go to a terminal (the progress bar draws only there). */
  isTty: boolean;
}

/** A progress bar on stderr for long runs only: a short run is over before a bar would help. */
function progressBar(label: string, config: OpsConfig, output: Output): ReadProgress & { tick?: () => void } {
  let bar: SingleBar | undefined;
  return {
    start(total) {
      if (total < config.OPS_PROGRESS_MIN || !output.isTty) return;
      bar = new SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    advance(by) {
      bar?.increment(by);
    },
    stop() {
      bar?.stop();
    },
  };
}

function sinceOption(value: string): Date {
  try {
    return parseSince(value, new Date());
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** `dead-letters list|show|replay`: what the consumers could not process, seen and sent back. */
export function deadLettersCommand(kafka: Kafka, config: OpsConfig, output: Output): Command {
  const command = new Command('dead-letters').description(
    'see and replay the messages and writes the services could not process (topic sync.dead-letter.v1)',
  );
  const read = async () => {
    const { entries, unreadable } = await readDeadLetterTopic(
      kafka,
      progressBar('reading dead letters', config, output),
      config.OPS_READ_IDLE_MS,
    );
    if (unreadable > 0)
      output.err(
        `${unreadable} message(s) on the dead-letter topic are neither a letter nor a replay record; left out`,
      );
    return entries;
  };
  const filterOf = (o: { connection?: string; since?: Date }): LetterFilter => ({
    connectionId: o.connection,
    since: o.since,
  });
  const oneLetter = (entries: LetterEntry[], id: string): LetterEntry => {
    const found = findLetters(entries, id);
    if (found.length === 0) throw new InvalidArgumentError(`no dead letter has an id starting with ${id}`);
    if (found.length > 1)
      throw new InvalidArgumentError(`${found.length} dead letters have an id starting with ${id}: give more of it`);
    return found[0];
  };

  command
    .command('list')
    .description('one line a letter: time, id, consumer, code, connection, task, replayed, reason')
    .option('--connection <id>', 'only the letters about this connection')
    .option('--since <time>', 'only letters since an ISO time or an age (30m, 2h, 7d)', sinceOption)
    .action(async (o: { connection?: string; since?: Date }) => {
      const entries = filterLetters(await read(), filterOf(o));
      output.out(LINE_HEADER);
      for (const entry of entries) output.out(formatLetterLine(entry));
      output.err(`${entries.length} dead letter(s)`);
    });

  command
    .command('show')
    .description('one letter in full, with its original message and its replays')
    .argument('<id>', 'the id list shows (any unique prefix of the letter event id)')
    .action(async (id: string) => {
      const entry = oneLetter(await read(), id);
      const original = entry.letter.originalValue;
      let parsed: unknown = original;
      try {
        parsed = original === null ? null : JSON.parse(original);
      } catch {
        parsed = original; // not JSON: shown as the text it was (that is why it was dead-lettered)
      }
      const replayable = replayabilityOf(entry.letter);
      output.out(
        JSON.stringify(
          {
            ...entry.letter,
            originalValue: parsed,
            where: { partition: entry.partition, offset: entry.offset },
            replays: entry.replays,
            replayable,
          },
          null,
          2,
        ),
      );
    });

  command
    .command('replay')
    .description(
      'send letters\u2019 original messages back to their topics, once: a letter replayed before is skipped (the consumers de-duplicate by event id in any case)',
    )
    .argument('[ids...]', 'letters by id (unique prefixes); else every letter the filters select')
    .option('--connection <id>', 'only the letters about this connection')
    .option('--since <time>', 'only letters since an ISO time or an age (30m, 2h, 7d)', sinceOption)
    .option('--all', 'every letter on the topic (needed when no id or filter is given)')
    .option('--force', 'replay letters replayed before too')
    .option('--dry-run', 'say what would be replayed, send nothing')
    .action(
      async (
        ids: string[],
        o: { connection?: string; since?: Date; all?: boolean; force?: boolean; dryRun?: boolean },
      ) => {
        if (ids.length === 0 && !o.connection && !o.since && !o.all)
          throw new InvalidArgumentError(
            'name letters by id, or select them with --connection / --since, or say --all',
          );
        const entries = await read();
        const chosen = filterLetters(ids.length > 0 ? ids.map((id) => oneLetter(entries, id)) : entries, filterOf(o));
        const plan = planReplay(chosen, o.force === true);
        for (const { entry, why } of plan.skipped) output.out(`skipped ${shortId(entry.letter)}: ${why}`);
        const progress = progressBar('replaying', config, output);
        progress.start(plan.replay.length);
        let replayed = 0;
        for (const group of plan.replay) {
          const names = group.letters.map((e) => shortId(e.letter)).join(',');
          if (o.dryRun) {
            output.out(
              `would replay ${names} to ${group.source.topic} (from partition ${group.source.partition} offset ${group.source.offset})`,
            );
          } else {
            const done = await replayGroup(kafka, group, config.OPS_OPERATOR);
            output.out(`replayed ${names} to ${group.source.topic} partition ${done.partition} offset ${done.offset}`);
            replayed += group.letters.length;
          }
          progress.advance(1);
        }
        progress.stop();
        output.err(`${replayed} replayed, ${plan.skipped.length} skipped`);
      },
    );

  return command;
}
