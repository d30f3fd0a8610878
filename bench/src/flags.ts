/**
 * The `--flag value` and `--flag=value` pairs of a command line, each with the key `flags` gives its
 * flag, in order. An unknown flag, or one without a value, throws when it is reached.
 */
export function* readFlags<Key extends string>(
  argv: readonly string[],
  flags: Readonly<Record<string, Key>>,
): Generator<{ flag: string; key: Key; value: string }> {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const key = flags[flag];
    if (!key) throw new Error(`unknown option ${argv[i]} (known: ${Object.keys(flags).join(', ')})`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    yield { flag, key, value };
  }
}
