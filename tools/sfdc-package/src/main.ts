import path from 'node:path';
import { Command, Option } from 'commander';
import { Connection } from 'jsforce';
import { deployPackage, describeDeployResult } from './app/deploy-package';
import { zipPackageDir } from './app/package-zip';

/**
 * `npm run sfdc:deploy -- --instance-url https://<my-domain>.my.salesforce.com --access-token <token>`:
 * deploys the product's Salesforce package (salesforce/: the Sales Connect Task Id field and the
 * Sales Connect Task Sync permission set) to an org through the Metadata API, as a Salesforce
 * administrator (Modify All Data or Modify Metadata).
 */
async function main(): Promise<void> {
  const program = new Command('sfdc-package').description("task-sync's Salesforce package").showHelpAfterError();
  program
    .command('deploy')
    .description('deploy the package folder to a Salesforce org (all or nothing) and print what changed')
    .addOption(
      new Option('--instance-url <url>', "the org's URL, e.g. https://acme.my.salesforce.com")
        .env('SF_INSTANCE_URL')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--access-token <token>',
        "a session of an administrator of the org (e.g. the Access Token that 'sf org display' shows)",
      )
        .env('SF_ACCESS_TOKEN')
        .makeOptionMandatory(),
    )
    .option('--dir <folder>', 'the package folder (holding package.xml)', 'salesforce')
    .option('--api-version <version>', 'the Metadata API version', '59.0')
    .option('--check-only', 'validate only: Salesforce checks the package and changes nothing', false)
    .option('--timeout-seconds <n>', 'give up waiting after this long', (v) => Number(v), 600)
    .action(
      async (options: {
        instanceUrl: string;
        accessToken: string;
        dir: string;
        apiVersion: string;
        checkOnly: boolean;
        timeoutSeconds: number;
      }) => {
        const { zip, files } = zipPackageDir(path.resolve(options.dir));
        console.error(
          `deploying ${files.length} file(s) from ${options.dir} to ${options.instanceUrl}${options.checkOnly ? ' (check only)' : ''}`,
        );
        const conn = new Connection({
          instanceUrl: options.instanceUrl,
          accessToken: options.accessToken,
          version: options.apiVersion,
        });
        const result = await deployPackage(conn, zip, {
          checkOnly: options.checkOnly,
          pollIntervalMs: 2000,
          timeoutMs: options.timeoutSeconds * 1000,
          onProgress: (status) => console.error(`  ${status}…`),
        });
        const { ok, lines } = describeDeployResult(result);
        for (const line of lines) console.log(line);
        if (!ok) process.exitCode = 1;
      },
    );
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  console.error(`sfdc-package: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
