/** What the benchmark writes: tasks that look like a rep's, deterministic for a given index. */

const VERBS = ['Call', 'Email', 'Follow up with', 'Send proposal to', 'Book a demo with', 'Check in with'];
const PEOPLE = [
  'Ana Souza',
  'Bruno Lima',
  'Carla Dias',
  'Diego Alves',
  'Elisa Rocha',
  'Fábio Nunes',
  'Gabi Costa',
  'Hugo Melo',
];
const SUBTYPES = ['Call', 'Email', 'Task'] as const;

/** A Salesforce Task's fields, as the admin seed takes them: about 300 bytes of text, like a typical task. */
export function seededTask(index: number, subject: string, ownerId: string, today: Date): Record<string, string> {
  const due = new Date(today.getTime() + ((index % 14) - 3) * 86_400_000).toISOString().slice(0, 10);
  return {
    Subject: subject,
    Description: `${VERBS[index % VERBS.length]} ${PEOPLE[index % PEOPLE.length]} about the Q${(index % 4) + 1} renewal. Last call: they asked for the revised pricing sheet and a reference customer in their industry; promised an answer by the end of the week.`,
    ActivityDate: due,
    Status: index % 10 === 0 ? 'Completed' : 'Not Started',
    Priority: index % 5 === 0 ? 'High' : 'Normal',
    TaskSubtype: SUBTYPES[index % SUBTYPES.length],
    OwnerId: ownerId,
  };
}

/** Splits `total` into `parts` shares that differ by at most one. */
export function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** A small seeded PRNG (mulberry32), so a run's sequence of changes can be repeated. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
