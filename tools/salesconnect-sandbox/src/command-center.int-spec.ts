import type { ApiClient } from '@task-sync/salesconnect-sandbox/testing';
import { createUser, useSandbox } from './testing/sandbox-harness';

interface View {
  timeZone: string;
  now: string;
  today: { date: string; tasks: { name: string; status: string }[] };
  tomorrow: { date: string; tasks: { name: string; status: string }[] };
}

/** One task due on each date, named after it. */
async function seedDueDates(api: ApiClient, dates: string[]): Promise<void> {
  for (const date of dates) await api.post('/v1/tasks', { name: `due ${date}`, dueDate: date });
}

describe('Command Center (R4) over HTTP', () => {
  const running = useSandbox();

  const at = (instant: string) => running.admin.post('/__admin/clock', { now: instant, frozen: true });
  const view = async (api: ApiClient) => (await api.get('/v1/command-center')).body as View;
  const summary = (v: View) => ({
    today: [v.today.date, v.today.tasks.map((t) => t.name)],
    tomorrow: [v.tomorrow.date, v.tomorrow.tasks.map((t) => t.name)],
  });

  it('at 23:30 in Pacific/Auckland and in America/Los_Angeles, each user sees their own today and tomorrow', async () => {
    const akl = await createUser(running, 'Pacific/Auckland');
    const la = await createUser(running, 'America/Los_Angeles');
    const dates = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'];
    await seedDueDates(akl.api, dates);
    await seedDueDates(la.api, dates);

    // 23:30 NZDT on Nov 24 = 02:30 PST on Nov 24.
    await at('2026-11-24T10:30:00Z');
    expect(summary(await view(akl.api))).toEqual({
      today: ['2026-11-24', ['due 2026-11-24']],
      tomorrow: ['2026-11-25', ['due 2026-11-25']],
    });
    expect(summary(await view(la.api))).toEqual({
      today: ['2026-11-24', ['due 2026-11-24']],
      tomorrow: ['2026-11-25', ['due 2026-11-25']],
    });

    // One minute after midnight in Auckland: its day has turned, Los Angeles' has not.
    await at('2026-11-24T11:01:00Z');
    expect(summary(await view(akl.api)).today).toEqual(['2026-11-25', ['due 2026-11-25']]);
    expect(summary(await view(la.api)).today).toEqual(['2026-11-24', ['due 2026-11-24']]);

    // 23:30 PST on Nov 24 = 20:30 NZDT on Nov 25.
    await at('2026-11-25T07:30:00Z');
    expect(summary(await view(la.api))).toEqual({
      today: ['2026-11-24', ['due 2026-11-24']],
      tomorrow: ['2026-11-25', ['due 2026-11-25']],
    });
    expect(summary(await view(akl.api))).toEqual({
      today: ['2026-11-25', ['due 2026-11-25']],
      tomorrow: ['2026-11-26', ['due 2026-11-26']],
    });
    const v = await view(la.api);
    expect(v.timeZone).toBe('America/Los_Angeles');
    expect(v.now).toBe('2026-11-25T07:30:00.000Z');
  });

  it('across the fall-back change in America/Los_Angeles (2026-11-01 lasts 25 hours)', async () => {
    const la = await createUser(running, 'America/Los_Angeles');
    await seedDueDates(la.api, ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03']);
    await at('2026-11-01T06:30:00Z'); // 23:30 PDT on Oct 31
    expect(summary(await view(la.api))).toEqual({
      today: ['2026-10-31', ['due 2026-10-31']],
      tomorrow: ['2026-11-01', ['due 2026-11-01']],
    });
    // 00:30 PDT on Nov 1: instant + 24 h is still Nov 1 (23:30 PST), so tomorrow must come from the calendar.
    await at('2026-11-01T07:30:00Z');
    expect(summary(await view(la.api))).toEqual({
      today: ['2026-11-01', ['due 2026-11-01']],
      tomorrow: ['2026-11-02', ['due 2026-11-02']],
    });
    await at('2026-11-02T07:30:00Z'); // 23:30 PST on Nov 1
    expect(summary(await view(la.api))).toEqual({
      today: ['2026-11-01', ['due 2026-11-01']],
      tomorrow: ['2026-11-02', ['due 2026-11-02']],
    });
  });

  it('across both daylight-saving changes in Europe/Lisbon (2026-10-25 and 2027-03-28)', async () => {
    const lisbon = await createUser(running, 'Europe/Lisbon');
    await seedDueDates(lisbon.api, [
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
      '2027-03-27',
      '2027-03-28',
      '2027-03-29',
    ]);
    await at('2026-10-24T23:30:00Z'); // 00:30 WEST on Oct 25, a 25-hour day
    expect(summary(await view(lisbon.api))).toEqual({
      today: ['2026-10-25', ['due 2026-10-25']],
      tomorrow: ['2026-10-26', ['due 2026-10-26']],
    });
    await at('2027-03-27T23:30:00Z'); // 23:30 WET on Mar 27, the eve of a 23-hour day
    expect(summary(await view(lisbon.api))).toEqual({
      today: ['2027-03-27', ['due 2027-03-27']],
      tomorrow: ['2027-03-28', ['due 2027-03-28']],
    });
    await at('2027-03-28T22:30:00Z'); // 23:30 WEST on Mar 28
    expect(summary(await view(lisbon.api))).toEqual({
      today: ['2027-03-28', ['due 2027-03-28']],
      tomorrow: ['2027-03-29', ['due 2027-03-29']],
    });
  });

  it('lists open tasks first (High before Normal), marks completed ones, and leaves out deleted ones and other users’ tasks', async () => {
    const rep = await createUser(running, 'America/Sao_Paulo');
    const other = await createUser(running, 'America/Sao_Paulo');
    await at('2026-11-24T15:00:00Z');
    const due = '2026-11-24';
    const done = (await rep.api.post('/v1/tasks', { name: 'done already', dueDate: due })).body;
    await rep.api.post(`/v1/tasks/${done.id}/complete`);
    await rep.api.post('/v1/tasks', { name: 'normal', dueDate: due });
    await rep.api.post('/v1/tasks', { name: 'urgent', dueDate: due, priority: 'High' });
    const gone = (await rep.api.post('/v1/tasks', { name: 'deleted', dueDate: due })).body;
    await rep.api.delete(`/v1/tasks/${gone.id}`);
    await other.api.post('/v1/tasks', { name: 'not mine', dueDate: due });
    await rep.api.post('/v1/tasks', { name: 'no due date' });

    const v = await view(rep.api);
    expect(v.today.tasks.map((t) => [t.name, t.status])).toEqual([
      ['urgent', 'Open'],
      ['normal', 'Open'],
      ['done already', 'Complete'],
    ]);
    expect(v.tomorrow.tasks).toEqual([]);
  });

  it('serves an HTML page by user id and by token, with the dates and the tasks', async () => {
    const akl = await createUser(running, 'Pacific/Auckland');
    await seedDueDates(akl.api, ['2026-11-24', '2026-11-25', '2026-11-26']);
    const done = (await akl.api.post('/v1/tasks', { name: '<b>closed</b>', dueDate: '2026-11-24' })).body;
    await akl.api.post(`/v1/tasks/${done.id}/complete`);
    await at('2026-11-24T10:30:00Z');

    const byId = await running.admin.get(`/users/${akl.id}/command-center`);
    expect(byId.status).toBe(200);
    expect(byId.headers.get('content-type')).toContain('text/html');
    const html = byId.body as string;
    expect(html).toContain('<time datetime="2026-11-24">2026-11-24</time>');
    expect(html).toContain('<time datetime="2026-11-25">2026-11-25</time>');
    expect(html).toContain('due 2026-11-24');
    expect(html).toContain('due 2026-11-25');
    expect(html).not.toContain('due 2026-11-26');
    expect(html).toContain('Pacific/Auckland');
    expect(html).toContain('&lt;b&gt;closed&lt;/b&gt;'); // escaped, and marked completed
    expect(html).toMatch(/class="done"[^>]*>✔/);

    const byToken = await running.admin.get(`/command-center?token=${encodeURIComponent(akl.api.token ?? '')}`);
    expect(byToken.body).toBe(html);
    expect((await running.admin.get('/command-center?token=nope')).status).toBe(404);
    expect((await running.admin.get('/users/scu_nobody/command-center')).status).toBe(404);
  });
});
