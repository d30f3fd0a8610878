import { compareSides, converged, type Copy, type Expected, type Fields } from './compare';

const fields = (title: string, over: Partial<Fields> = {}): Fields => ({
  title,
  details: '',
  dueDate: '2026-12-10',
  open: true,
  priority: 'normal',
  ...over,
});
const live = (title: string, over: Partial<Fields> = {}): Expected => ({
  title,
  deleted: false,
  fields: fields(title, over),
});
const copy = (id: string, f: Fields): Copy => ({ id, fields: f });

describe('compareSides: the chaos run verdict', () => {
  it('counts nothing when every task is once on each side with its last written state', () => {
    const c = compareSides(
      [live('a'), { ...live('b'), deleted: true }],
      [copy('sc1', fields('a'))],
      [copy('sf1', fields('a'))],
    );
    expect(c).toMatchObject({ tasks: 2, lost: 0, duplicatedSc: 0, duplicatedSfdc: 0, unequal: 0 });
    expect(converged(c)).toBe(true);
  });

  it('counts a task missing on one side as lost', () => {
    const c = compareSides([live('a')], [copy('sc1', fields('a'))], []);
    expect(c.lost).toBe(1);
    expect(c.examples[0]).toMatchObject({ kind: 'lost', title: 'a', detail: 'missing in Salesforce' });
  });

  it('counts a deleted task still live on a side as lost', () => {
    expect(compareSides([{ ...live('a'), deleted: true }], [], [copy('sf1', fields('a'))]).lost).toBe(1);
  });

  it('counts a last change not shown on a side as lost, and different sides as unequal', () => {
    const c = compareSides(
      [live('a', { open: false })],
      [copy('sc1', fields('a', { open: false }))],
      [copy('sf1', fields('a'))],
    );
    expect(c.lost).toBe(1);
    expect(c.unequal).toBe(1);
    expect(converged(c)).toBe(false);
  });

  it('counts every extra copy on each side as a duplicate', () => {
    const c = compareSides(
      [live('a')],
      [copy('sc1', fields('a')), copy('sc2', fields('a'))],
      [copy('sf1', fields('a')), copy('sf2', fields('a')), copy('sf3', fields('a'))],
    );
    expect([c.duplicatedSc, c.duplicatedSfdc]).toEqual([1, 2]);
  });
});
