import { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@task-sync/util-config';
import { deadLettersCommand } from './dead-letters/dead-letters.command';
import { opsConfigSchema } from './ops.config';

/** `npm run ops -- <command>`: the operator's commands. */
async function main(): Promise<void> {
  const config = loadConfig(opsConfigSchema, process.env);
  const kafka = new Kafka({ clientId: 'ops', brokers: config.KAFKA_BROKERS, logLevel: logLevel.ERROR });
  const output = {
    out: (line: string) => console.log(line),
    err: (line: string) => console.error(line),
    isTty: process.stderr.isTTY === true,
  };
  const program = new Command('ops').description("task-sync's operator commands").showHelpAfterError();
  program.addCommand(deadLettersCommand(kafka, config, output));
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  console.error(`ops: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
