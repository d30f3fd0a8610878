import {
  type SfdcTaskRecord,
  Stack,
  sleep,
  type ConnectionStatus,
  SETTLE_MS,
  SyncUser,
  eventually,
  viewOfSc,
  viewOfSfdc,
} from '@task-sync/testing-stack';
import { FAR_FROM_UTC_ZONES, addDays, localDate, pickZoneNearMidnight, DAY, MINUTE } from './support/time-zones';

const HOUR = 60 * MINUTE;
const names = (tasks: { name: string }[]) => tasks.map((t) => t.name).sort();
const subjects = (tasks: SfdcTaskRecord[]) => tasks.map((t) => t.Subject ?? '').sort();

/** How the stack reads Salesforce, and the rules run that way. */
interface ReadMode {
  name: string;
  env: Record<string, string>;
  rules: readonly string[];
}

const READ_MODES: ReadMode[] = [
  // npm start's demo org has a reader: the org is read once, by its Change Data Capture stream (and its safety-net poll).
  {
    name: 'the org read once, by its change stream',
    env: { DEMO_ORG_READER: '1' },
    rules: ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7'],
  },
  // No reader: each rep's own polls, as an org without one runs; the rules that read Salesforce differently, again.
  { name: 'per-rep polling (no org reader)', env: { DEMO_ORG_READER: '0' }, rules: ['R2', 'R5', 'R6', 'R7'] },
];

/**
 * R1–R7 of shared/spec/task-sync.md, each against the whole product as `npm start` runs it, in
 * each read mode. The services run in Los Angeles time (TZ), as on a developer's machine there:
 * nothing may depend on the server's zone. Each scenario has its own Sales Connect and Salesforce users.
 */
describe.each(READ_MODES)('the product rules, end to end: $name', (mode) => {
  /** A scenario of this mode's rules (the others are not registered in this mode). */
  const scenario = (rule: string, title: string, run: () => Promise<void>) => {
    if (mode.rules.includes(rule)) it(title, run);
  };
  let stack: Stack;
  const reps: SyncUser[] = [];

  async function newRep(options: { label: string; timeZone?: string }): Promise<SyncUser> {
    const rep = await SyncUser.create(stack, options);
    reps.push(rep);
    return rep;
  }

  beforeAll(async () => {
    stack = await Stack.start(`rules-${mode.env['DEMO_ORG_READER'] === '1' ? 'stream' : 'per-rep'}`, {
      TZ: 'America/Los_Angeles',
      ...mode.env,
    });
  }, 300_000);

  // A finished scenario's connection is switched off, so later ones do not pay for its polling.
  afterEach(async () => {
    for (const rep of reps.splice(0)) await rep.saveTaskSync(false);
  });

  afterAll(async () => {
    await stack?.stop();
  }, 120_000);

  scenario(
    'R1',
    'R1: saving "Sync tasks" starts the sync at once, and the status shows the import\'s progress until it is done',
    async () => {
      const rep = await newRep({ label: 'r1' });
      const subjectsToImport = Array.from({ length: 12 }, (_, i) => `R1 task ${String(i).padStart(2, '0')}`);
      for (const subject of subjectsToImport)
        await rep.sfdc.createTask({ Subject: subject, ActivityDate: '2026-12-01' });

      // A slow Salesforce (every call 700 ms) makes the import last long enough to watch it.
      await rep.sfAdmin.setFaults({ latencyMs: 700 });
      const seen: { at: number; status: ConnectionStatus }[] = [];
      let savedAt = 0;
      try {
        const saved = await rep.saveTaskSync(true);
        savedAt = Date.now();
        expect(saved).toMatchObject({ enabled: true, change: 'first-enable' });
        await eventually(
          'the import to be reported done',
          async () => {
            const status = await rep.status();
            seen.push({ at: Date.now(), status });
            if (!status.import?.done) throw new Error(`status: ${JSON.stringify(status)}`);
          },
          30_000,
          100,
        );
      } finally {
        await rep.sfAdmin.clearFaults();
      }

      const firstProgress = seen.find((s) => s.status.import !== null);
      expect(firstProgress?.status).toMatchObject({ state: 'importing', import: { done: false } });
      // At once: no restart, no job to wait for.
      expect((firstProgress?.at ?? Infinity) - savedAt).toBeLessThan(5_000);
      const done = seen[seen.length - 1].status;
      expect(done.state).toBe('syncing');
      expect(done.import).toEqual({ enableAt: expect.any(String), found: 12, imported: 12, failed: 0, done: true });
      expect(Math.abs(Date.parse(done.import?.enableAt ?? '') - savedAt)).toBeLessThan(5_000);
      await eventually('the imported tasks in Sales Connect', async () =>
        expect(names(await rep.scTasks())).toEqual(subjectsToImport),
      );
    },
  );

  scenario(
    'R2',
    'R2: the first enable imports the Salesforce tasks changed in the 24 hours before it, open and completed, whatever their due date, and nothing older',
    async () => {
      const rep = await newRep({ label: 'r2' });
      const base = Date.now();
      const sf = rep.sfAdmin;
      // Each task written with the Salesforce clock at a chosen instant before the enable.
      await sf.at(base - DAY - 30_000, () => rep.sfdc.createTask({ Subject: 'R2 changed 24 h 30 s before' }));
      await sf.at(base - DAY + 30_000, () =>
        rep.sfdc.createTask({ Subject: 'R2 changed 23 h 59 min 30 s before', ActivityDate: '2027-03-15' }),
      );
      await sf.at(base - HOUR, () =>
        rep.sfdc.createTask({ Subject: 'R2 completed an hour before', Status: 'Completed', Priority: 'High' }),
      );
      await sf.at(base - 2 * HOUR, () =>
        rep.sfdc.createTask({ Subject: 'R2 due long ago', ActivityDate: '2020-02-29', TaskSubtype: 'Call' }),
      );
      await sf.at(base - 5 * HOUR, () =>
        rep.sfdc.createTask({ Subject: 'R2 no due date', Description: 'imported without a date' }),
      );
      await sf.at(base - 3 * DAY, () => rep.sfdc.createTask({ Subject: 'R2 created three days before' }));
      const editedOld = await sf.at(base - 3 * DAY, () =>
        rep.sfdc.createTask({ Subject: 'R2 created three days before, edited' }),
      );
      await sf.at(base - 2 * HOUR, () => rep.sfdc.updateTask(editedOld, { Subject: 'R2 edited two hours before' }));

      const status = await rep.enableAndWaitForImport();
      expect(status.import).toMatchObject({ found: 5, imported: 5, failed: 0, done: true });
      const expected = [
        'R2 changed 23 h 59 min 30 s before',
        'R2 completed an hour before',
        'R2 due long ago',
        'R2 edited two hours before',
        'R2 no due date',
      ];
      const imported = await eventually('the import in Sales Connect', async () => {
        const tasks = await rep.scTasks();
        expect(names(tasks)).toEqual(expected);
        return tasks;
      });
      // Each one as it is in Salesforce, its completed state and due date kept.
      const inSalesforce = await rep.sfdcTasks();
      for (const task of imported) {
        expect(viewOfSc(task)).toEqual(viewOfSfdc(inSalesforce.find((t) => t.Subject === task.name) as SfdcTaskRecord));
      }
      expect(imported.find((t) => t.name === 'R2 completed an hour before')).toMatchObject({
        status: 'Complete',
        priority: 'High',
      });
      // Nothing older comes later, and nothing went back to Salesforce.
      await sleep(SETTLE_MS);
      expect(names(await rep.scTasks())).toEqual(expected);
      expect(await rep.sfdcTasksWithDeleted()).toHaveLength(7);
    },
  );

  scenario(
    'R3',
    'R3: Sales Connect tasks that existed before the enable never reach Salesforce, even when edited, completed or deleted later; one created after it does',
    async () => {
      const rep = await newRep({ label: 'r3' });
      const edited = await rep.sc.create({ name: 'R3 before the enable, edited later', dueDate: '2026-12-05' });
      const completed = await rep.sc.create({ name: 'R3 before the enable, completed later' });
      const deleted = await rep.sc.create({ name: 'R3 before the enable, deleted later' });
      await rep.sc.create({ name: 'R3 before the enable, untouched' });

      await rep.enableAndWaitForImport();
      await rep.sc.patch(edited.id, {
        name: 'R3 before the enable, edited after it',
        dueDate: '2026-12-06',
        priority: 'High',
      });
      await rep.sc.complete(completed.id);
      await rep.sc.delete(deleted.id);
      const after = await rep.sc.create({
        name: 'R3 created after the enable',
        details: 'this one is synced',
        dueDate: '2026-12-07',
      });

      const pushed = await eventually('the task created after the enable in Salesforce', async () => {
        const tasks = await rep.sfdcTasks();
        expect(tasks).toHaveLength(1);
        return tasks[0];
      });
      expect(pushed).toMatchObject({
        SalesConnect_Task_Id__c: after.id,
        Subject: 'R3 created after the enable',
        Description: 'this one is synced',
        ActivityDate: '2026-12-07',
        IsClosed: false,
      });
      await sleep(SETTLE_MS);
      // Not one write for the older tasks: no create, and so nothing to update or delete.
      expect((await rep.sfdcTasksWithDeleted()).map((t) => t.SalesConnect_Task_Id__c)).toEqual([after.id]);
    },
  );

  scenario(
    'R4',
    "R4: Command Center lists the imported tasks due today and tomorrow on the user's wall clock across their midnight; due dates never shift, either way",
    async () => {
      // A zone far from UTC whose last midnight was a few hours ago, so "a minute before midnight"
      // lies in the 24 hours the enable imports.
      const { zone, midnight } = pickZoneNearMidnight(Date.now(), FAR_FROM_UTC_ZONES, {
        minAgoMs: 10 * MINUTE,
        maxAgoMs: 20 * HOUR,
      });
      const rep = await newRep({ label: 'r4', timeZone: zone });
      const justBefore = midnight - MINUTE;
      const justAfter = midnight + MINUTE;
      const today = localDate(justBefore, zone);
      const due: Record<string, string | null> = {
        'R4 due yesterday': addDays(today, -1),
        'R4 due today': today,
        'R4 due tomorrow': addDays(today, 1),
        'R4 due the day after': addDays(today, 2),
        'R4 due next month': addDays(today, 30),
        'R4 no due date': null,
      };
      // Written in Salesforce a minute before the user's midnight (both sandboxes' clocks there).
      const sfIds: Record<string, string> = {};
      await rep.sfAdmin.at(justBefore, async () => {
        for (const [subject, date] of Object.entries(due))
          sfIds[subject] = await rep.sfdc.createTask({ Subject: subject, ...(date ? { ActivityDate: date } : {}) });
      });

      await rep.enableAndWaitForImport();
      // Everything is stored, whatever its due date, on exactly the same calendar day.
      const imported = await eventually('every task in Sales Connect with its own due date', async () => {
        const tasks = await rep.scTasks();
        expect(Object.fromEntries(tasks.map((t) => [t.name, t.dueDate]))).toEqual(due);
        return tasks;
      });

      const listing = async (at: number) => {
        await rep.scAdmin.setClock(at);
        const view = await rep.sc.commandCenter();
        return {
          timeZone: view.timeZone,
          today: view.today.date,
          dueToday: names(view.today.tasks),
          tomorrow: view.tomorrow.date,
          dueTomorrow: names(view.tomorrow.tasks),
        };
      };
      let before: Awaited<ReturnType<typeof listing>>;
      let after: Awaited<ReturnType<typeof listing>>;
      try {
        before = await listing(justBefore);
        after = await listing(justAfter);
      } finally {
        await rep.scAdmin.resetClock();
      }
      expect(before).toEqual({
        timeZone: zone,
        today,
        dueToday: ['R4 due today'],
        tomorrow: addDays(today, 1),
        dueTomorrow: ['R4 due tomorrow'],
      });
      expect(after).toEqual({
        timeZone: zone,
        today: addDays(today, 1),
        dueToday: ['R4 due tomorrow'],
        tomorrow: addDays(today, 2),
        dueTomorrow: ['R4 due the day after'],
      });

      // The other way, and edits of both sides: the same calendar date arrives.
      const created = await rep.sc.create({ name: 'R4 created in Sales Connect', dueDate: today });
      const nextMonth = imported.find((t) => t.name === 'R4 due next month');
      await rep.sc.patch(nextMonth?.id ?? '', { dueDate: addDays(today, 2) });
      await rep.sfdc.updateTask(sfIds['R4 due yesterday'], { ActivityDate: addDays(today, 1) });
      await eventually('the dates in Salesforce and in Sales Connect', async () => {
        const sfdc = await rep.sfdcTasks();
        expect(sfdc.find((t) => t.SalesConnect_Task_Id__c === created.id)?.ActivityDate).toBe(today);
        expect(sfdc.find((t) => t.Id === sfIds['R4 due next month'])?.ActivityDate).toBe(addDays(today, 2));
        expect((await rep.scTaskNamed('R4 due yesterday'))?.dueDate).toBe(addDays(today, 1));
      });
    },
  );

  scenario(
    'R5',
    'R5: a re-enable deletes in Sales Connect the tasks deleted in Salesforce in the 15 days before it, not older deletes, and re-creates no linked task',
    async () => {
      const rep = await newRep({ label: 'r5' });
      const sfIds: Record<string, string> = {};
      for (const subject of ['R5 kept', 'R5 deleted while off', 'R5 edited while off'])
        sfIds[subject] = await rep.sfdc.createTask({ Subject: subject });
      await rep.enableAndWaitForImport();
      // Two tasks the sync itself wrote to Salesforce while Salesforce's clock stood 14 and 16 days
      // (and an hour) back, so that deleting them there 14 and 16 days back is a consistent history.
      const now = Date.now();
      for (const [name, daysBack] of [
        ['R5 deleted 14 days back', 14],
        ['R5 deleted 16 days back', 16],
      ] as const) {
        await rep.sfAdmin.setClock(now - daysBack * DAY - HOUR);
        try {
          const created = await rep.sc.create({ name });
          sfIds[name] = await eventually(`${name} written to Salesforce`, async () => {
            const task = (await rep.sfdcTasks()).find((t) => t.SalesConnect_Task_Id__c === created.id);
            if (!task) throw new Error('not yet');
            return task.Id;
          });
        } finally {
          await rep.sfAdmin.resetClock();
        }
      }
      const linked = await eventually('the five tasks in Sales Connect', async () => {
        const tasks = await rep.scTasks();
        expect(tasks).toHaveLength(5);
        return new Map(tasks.map((t) => [t.name, t.id]));
      });

      await rep.saveTaskSync(false);
      await sleep(2_000); // the disable reaches every service
      await rep.sfdc.deleteTask(sfIds['R5 deleted while off']);
      await rep.sfAdmin.at(now - 14 * DAY, () => rep.sfdc.deleteTask(sfIds['R5 deleted 14 days back']));
      await rep.sfAdmin.at(now - 16 * DAY, () => rep.sfdc.deleteTask(sfIds['R5 deleted 16 days back']));
      await rep.sfdc.updateTask(sfIds['R5 edited while off'], { Subject: 'R5 edited while off, new subject' });
      await rep.sfdc.createTask({ Subject: 'R5 created while off' });
      await sleep(SETTLE_MS);
      expect(names(await rep.scTasks())).toEqual([...linked.keys()].sort()); // R7: nothing while off

      await rep.enableAndWaitForImport();
      const expected = [
        'R5 created while off',
        'R5 deleted 16 days back',
        'R5 edited while off, new subject',
        'R5 kept',
      ];
      await eventually('the re-enable applied in Sales Connect', async () =>
        expect(names(await rep.scTasks())).toEqual(expected),
      );
      await sleep(SETTLE_MS);
      const after = await rep.scTasks();
      expect(names(after)).toEqual(expected);
      // The linked tasks are the same Sales Connect tasks as before, updated, never created again.
      const idOf = (name: string) => after.find((t) => t.name === name)?.id;
      expect(idOf('R5 kept')).toBe(linked.get('R5 kept'));
      expect(idOf('R5 edited while off, new subject')).toBe(linked.get('R5 edited while off'));
      expect(idOf('R5 deleted 16 days back')).toBe(linked.get('R5 deleted 16 days back'));
    },
  );

  scenario('R6', 'R6: create, edit, complete, reopen and delete on either side each reach the other side', async () => {
    const rep = await newRep({ label: 'r6' });
    await rep.enableAndWaitForImport();

    // Salesforce → Sales Connect.
    const sfId = await rep.sfdc.createTask({
      Subject: 'R6 from Salesforce',
      Description: 'first',
      ActivityDate: '2026-12-10',
      Priority: 'High',
      TaskSubtype: 'Call',
    });
    const scCopy = await eventually('the Salesforce create in Sales Connect', async () => {
      const task = await rep.scTaskNamed('R6 from Salesforce');
      expect(task).toMatchObject({
        details: 'first',
        dueDate: '2026-12-10',
        status: 'Open',
        priority: 'High',
        type: 'call',
      });
      return task as NonNullable<typeof task>;
    });
    await rep.sfdc.updateTask(sfId, {
      Subject: 'R6 from Salesforce, edited',
      Description: 'second',
      ActivityDate: '2026-12-11',
      Priority: 'Normal',
    });
    await eventually('the Salesforce edit in Sales Connect', async () =>
      expect(await rep.scTask(scCopy.id)).toMatchObject({
        name: 'R6 from Salesforce, edited',
        details: 'second',
        dueDate: '2026-12-11',
        priority: 'Normal',
        status: 'Open',
      }),
    );
    await rep.sfdc.updateTask(sfId, { Status: 'Completed' });
    await eventually('the Salesforce completion in Sales Connect', async () =>
      expect(await rep.scTask(scCopy.id)).toMatchObject({ status: 'Complete' }),
    );
    await rep.sfdc.updateTask(sfId, { Status: 'Not Started' });
    await eventually('the Salesforce reopen in Sales Connect', async () =>
      expect(await rep.scTask(scCopy.id)).toMatchObject({ status: 'Open' }),
    );
    await rep.sfdc.deleteTask(sfId);
    await eventually('the Salesforce delete in Sales Connect', async () =>
      expect(await rep.scTask(scCopy.id)).toBeUndefined(),
    );

    // Sales Connect → Salesforce.
    const sc = await rep.sc.create({
      name: 'R6 from Sales Connect',
      details: 'first',
      dueDate: '2026-12-20',
      priority: 'High',
      type: 'email',
    });
    const inSalesforce = async () =>
      (await rep.sfdcTasksWithDeleted()).filter((t) => t.SalesConnect_Task_Id__c === sc.id);
    await eventually('the Sales Connect create in Salesforce', async () =>
      expect(await inSalesforce()).toEqual([
        expect.objectContaining({
          Subject: 'R6 from Sales Connect',
          Description: 'first',
          ActivityDate: '2026-12-20',
          Priority: 'High',
          TaskSubtype: 'Email',
          Status: 'Not Started',
          deletedAt: null,
        }),
      ]),
    );
    await rep.sc.patch(sc.id, {
      name: 'R6 from Sales Connect, edited',
      details: 'second',
      dueDate: '2026-12-21',
      priority: 'Normal',
    });
    await eventually('the Sales Connect edit in Salesforce', async () =>
      expect(await inSalesforce()).toEqual([
        expect.objectContaining({
          Subject: 'R6 from Sales Connect, edited',
          Description: 'second',
          ActivityDate: '2026-12-21',
          Priority: 'Normal',
          IsClosed: false,
        }),
      ]),
    );
    await rep.sc.complete(sc.id);
    await eventually('the Sales Connect completion in Salesforce', async () =>
      expect(await inSalesforce()).toEqual([expect.objectContaining({ Status: 'Completed', IsClosed: true })]),
    );
    await rep.sc.reopen(sc.id);
    await eventually('the Sales Connect reopen in Salesforce', async () =>
      expect(await inSalesforce()).toEqual([expect.objectContaining({ Status: 'Not Started', IsClosed: false })]),
    );
    await rep.sc.delete(sc.id);
    await eventually('the Sales Connect delete in Salesforce', async () =>
      expect(await inSalesforce()).toEqual([expect.objectContaining({ deletedAt: expect.any(String) })]),
    );
    expect(await rep.sides()).toEqual({ sc: [], sfdc: [] });
  });

  scenario(
    'R7',
    'R7: disable, changes on both sides, re-enable: nothing crosses while disabled; then changes flow again, and what changed meanwhile is left to the enable (R2), not replayed',
    async () => {
      const rep = await newRep({ label: 'r7' });
      await rep.enableAndWaitForImport();
      const fromSf = await rep.sfdc.createTask({ Subject: 'R7 from Salesforce' });
      const fromSc = await rep.sc.create({ name: 'R7 from Sales Connect' });
      const pair = await eventually('both tasks on both sides', async () => {
        const scCopy = await rep.scTaskNamed('R7 from Salesforce');
        const sfCopy = (await rep.sfdcTasks()).find((t) => t.SalesConnect_Task_Id__c === fromSc.id);
        expect({ scCopy: !!scCopy, sfCopy: !!sfCopy }).toEqual({ scCopy: true, sfCopy: true });
        return { scCopyId: scCopy?.id ?? '', sfCopyId: sfCopy?.Id ?? '' };
      });

      await rep.saveTaskSync(false);
      await sleep(2_000); // the disable reaches every service
      await rep.sfdc.updateTask(fromSf, { Description: 'edited in Salesforce while off' });
      await rep.sc.patch(fromSc.id, { details: 'edited in Sales Connect while off' });
      await rep.sfdc.createTask({ Subject: 'R7 created in Salesforce while off' });
      await rep.sc.create({ name: 'R7 created in Sales Connect while off' });
      await sleep(SETTLE_MS);
      expect(names(await rep.scTasks())).toEqual([
        'R7 created in Sales Connect while off',
        'R7 from Sales Connect',
        'R7 from Salesforce',
      ]);
      expect(subjects(await rep.sfdcTasks())).toEqual([
        'R7 created in Salesforce while off',
        'R7 from Sales Connect',
        'R7 from Salesforce',
      ]);
      expect((await rep.scTask(pair.scCopyId))?.details).toBe('');
      expect((await rep.sfdcTask(pair.sfCopyId))?.Description ?? '').toBe('');

      await rep.enableAndWaitForImport();
      // The re-enable imports what changed in Salesforce in the 24 hours before it (R2)...
      await eventually('the re-enable import in Sales Connect', async () => {
        expect(await rep.scTaskNamed('R7 created in Salesforce while off')).toBeDefined();
        expect((await rep.scTask(pair.scCopyId))?.details).toBe('edited in Salesforce while off');
      });
      // ...and from now on changes flow both ways again.
      await rep.sfdc.updateTask(fromSf, { Subject: 'R7 from Salesforce, after the re-enable' });
      await rep.sc.patch(fromSc.id, { name: 'R7 from Sales Connect, after the re-enable' });
      await eventually('changes after the re-enable on the other side', async () => {
        expect((await rep.scTask(pair.scCopyId))?.name).toBe('R7 from Salesforce, after the re-enable');
        expect((await rep.sfdcTask(pair.sfCopyId))?.Subject).toBe('R7 from Sales Connect, after the re-enable');
      });
      // A Sales Connect task created while disabled is not replayed: it never reaches Salesforce.
      await sleep(SETTLE_MS);
      expect(subjects(await rep.sfdcTasksWithDeleted())).not.toContain('R7 created in Sales Connect while off');
      expect(await rep.scTaskNamed('R7 created in Salesforce while off')).toBeDefined();
      expect((await rep.scTasks()).filter((t) => t.name === 'R7 created in Salesforce while off')).toHaveLength(1);
    },
  );
});
