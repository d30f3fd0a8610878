/** The synced fields the chaos run sets, in neither side's words (a subset of SyncUser's TaskView). */
export interface Fields {
  title: string;
  details: string;
  dueDate: string | null;
  open: boolean;
  priority: string;
}

/** What the run made of one task: its last state as written (by either side), or deleted. */
export interface Expected {
  title: string;
  deleted: boolean;
  fields: Fields;
}

/** One side's live copy of a task, and (Salesforce) the Sales Connect id it is linked to. */
export interface Copy {
  id: string;
  fields: Fields;
  linkedScId?: string | null;
}

export interface Comparison {
  tasks: number;
  /** Tasks whose last change is not what a side shows: missing on a side, back after a delete, or another state than the last written. */
  lost: number;
  /** Extra copies of a task on Sales Connect / Salesforce (same title more than once). */
  duplicatedSc: number;
  duplicatedSfdc: number;
  /** Live tasks on both sides whose synced fields differ between the sides. */
  unequal: number;
  /** Up to 20 examples of each kind, for the report and the logs. */
  examples: { kind: 'lost' | 'duplicated' | 'unequal'; title: string; detail: string }[];
}

const same = (a: Fields, b: Fields) =>
  a.title === b.title &&
  a.details === b.details &&
  a.dueDate === b.dueDate &&
  a.open === b.open &&
  a.priority === b.priority;

/** Copies are matched by title: titles are unique in a run and never edited. */
export function compareSides(expected: readonly Expected[], sc: readonly Copy[], sfdc: readonly Copy[]): Comparison {
  const group = (copies: readonly Copy[]) => {
    const byTitle = new Map<string, Copy[]>();
    for (const c of copies) byTitle.set(c.fields.title, [...(byTitle.get(c.fields.title) ?? []), c]);
    return byTitle;
  };
  const scBy = group(sc);
  const sfBy = group(sfdc);
  const result: Comparison = {
    tasks: expected.length,
    lost: 0,
    duplicatedSc: 0,
    duplicatedSfdc: 0,
    unequal: 0,
    examples: [],
  };
  const example = (kind: 'lost' | 'duplicated' | 'unequal', title: string, detail: string) => {
    if (result.examples.filter((e) => e.kind === kind).length < 20) result.examples.push({ kind, title, detail });
  };
  for (const e of expected) {
    const onSc = scBy.get(e.title) ?? [];
    const onSf = sfBy.get(e.title) ?? [];
    if (onSc.length > 1) {
      result.duplicatedSc += onSc.length - 1;
      example('duplicated', e.title, `${onSc.length} copies in Sales Connect: ${onSc.map((c) => c.id).join(', ')}`);
    }
    if (onSf.length > 1) {
      result.duplicatedSfdc += onSf.length - 1;
      example('duplicated', e.title, `${onSf.length} copies in Salesforce: ${onSf.map((c) => c.id).join(', ')}`);
    }
    if (e.deleted) {
      if (onSc.length || onSf.length) {
        result.lost++;
        example(
          'lost',
          e.title,
          `deleted, yet live in ${[onSc.length ? 'Sales Connect' : '', onSf.length ? 'Salesforce' : ''].filter(Boolean).join(' and ')}`,
        );
      }
      continue;
    }
    if (!onSc.length || !onSf.length) {
      result.lost++;
      example('lost', e.title, `missing in ${!onSc.length ? 'Sales Connect' : 'Salesforce'}`);
      continue;
    }
    const [a, b] = [onSc[0], onSf[0]];
    if (!same(a.fields, b.fields)) {
      result.unequal++;
      example(
        'unequal',
        e.title,
        `Sales Connect ${JSON.stringify(a.fields)} vs Salesforce ${JSON.stringify(b.fields)}`,
      );
    }
    const stale = [a, b].filter((c) => !same(c.fields, e.fields));
    if (stale.length) {
      result.lost++;
      example(
        'lost',
        e.title,
        `last written ${JSON.stringify(e.fields)}; ${stale.map((c) => `${c === a ? 'Sales Connect' : 'Salesforce'} shows ${JSON.stringify(c.fields)}`).join('; ')}`,
      );
    }
  }
  return result;
}

/** Equal sides: nothing lost, nothing doubled, every pair the same. */
export const converged = (c: Comparison) =>
  c.lost === 0 && c.duplicatedSc === 0 && c.duplicatedSfdc === 0 && c.unequal === 0;
