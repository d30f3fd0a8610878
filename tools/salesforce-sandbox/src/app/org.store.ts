import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { KEY_PREFIX, makeSalesforceId, toId15 } from './salesforce-id';
import { toWholeSecond } from './sfdc-datetime';
import type { ConnectedApp, Fields, TaskChange, TaskRecord, UserRecord } from './sandbox-records';
import { emptyOrgRules, loadOrgRules, type OrgRules } from './org-rules/org-rules';
import { buildTaskStatusRows, DEFAULT_TASK_STATUSES, withSortOrder } from './org-rules/task-statuses';
import { withOrgRuleFields } from './org-rules/rule-fields';
import { TaskStore, type TaskWriteObserver } from './task.store';
import { buildTaskFields, newTaskDefaults } from './org-schema';
import { isCustomField, type FieldDef } from './sobject-schema';
import { deleteLogStart } from './replication-window';
import type { PermissionSetRecord } from './metadata/permission-sets';

export interface OrgState {
  id: string;
  name: string;
  dailyApiLimit: number;
  /** Requests counted in the current UTC day of the sandbox clock. */
  apiUsage: { day: string; used: number };
  users: Map<string, UserRecord>;
  contacts: Map<string, Fields>;
  leads: Map<string, Fields>;
  /** Parents a task's WhatId can name (What.Name); seeded through the admin API. */
  accounts: Map<string, Fields>;
  /**
   * The largest query page the server hands out, whatever the client asks (null: 2,000). Salesforce
   * may answer smaller pages than `batchSize` asks for, so clients must follow `nextRecordsUrl`.
   */
  queryPageSize: number | null;
  /** The TaskStatus rows: the org's Task.Status values, which of them are closed, the default. */
  taskStatuses: Fields[];
  /** Record types, validation rules and the trigger an administrator set up for Task. */
  rules: OrgRules;
  /**
   * The org's Task fields: the standard ones and its custom fields (Setup's Object Manager, shaped
   * through the admin API). Replaced, never changed in place: schema views are cached per list.
   */
  taskFields: FieldDef[];
  tasks: TaskStore;
  changes: TaskChange[];
  /** The recycle bin was emptied of everything deleted before this (admin API); null: only the 15-day purge. */
  recycleBinPurgedBefore: number | null;
  /** Permission sets deployed through the Metadata API, with their assignments. */
  permissionSets: PermissionSetRecord[];
  /** Organization.IsSandbox: its users sign in at test.salesforce.com, not login.salesforce.com. */
  isSandbox: boolean;
  /** The org's My Domain host, also its instance (`acme.my.salesforce.com`); null: the sandbox's root serves it. */
  myDomainHost: string | null;
  /** Hosts the org had before a move (admin API): they refuse its sessions from then on. */
  previousHosts: string[];
  /** My Domain's "Prevent login from login.salesforce.com" (and test.salesforce.com): its My Domain only. */
  preventLoginHostLogin: boolean;
}

export const DEFAULT_ORG_NAME = 'Sandbox Org';
export const DEFAULT_USERNAME = 'rep@sandbox.test';
export const DEFAULT_PASSWORD = 'sandbox';
export const DEFAULT_CLIENT_ID = 'sandbox-client';
/** The default org's administrator: View All Data, so it can subscribe to Change Data Capture (the rep cannot). */
export const DEFAULT_ADMIN_USERNAME = 'admin@sandbox.test';
export const DEFAULT_CLIENT_SECRET = 'sandbox-secret';

/** The change log keeps at least this many entries per org, and a tenth more at most (oldest dropped): enough for tests, bounded for benchmarks. */
export const MAX_CHANGES = 50_000;

export interface NewUser {
  username: string;
  password?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  timeZoneSidKey?: string;
  viewAllData?: boolean;
  modifyAllData?: boolean;
}

export interface NewPerson {
  email?: string | null;
  firstName?: string | null;
  lastName: string;
  company?: string | null;
}

/** Orgs, their users, Contacts, Leads and tasks, and the connected apps: the sandbox's whole data. */
export class OrgStore {
  readonly orgs = new Map<string, OrgState>();
  readonly apps = new Map<string, ConnectedApp>();
  private readonly counters = new Map<string, number>();
  /** Gives each org's task store its observer (the change-event stream); set once at wiring. */
  taskObserverFor: ((orgId: string) => TaskWriteObserver) | null = null;

  constructor(
    private readonly clock: SandboxClock,
    private readonly defaultDailyApiLimit: number,
  ) {}

  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return makeSalesforceId(prefix, n);
  }

  /** The default org, user and connected app, with the same ids every time. */
  seedDefaults(): { org: OrgState; user: UserRecord; admin: UserRecord; app: ConnectedApp } {
    const org = this.createOrg(DEFAULT_ORG_NAME);
    const user = this.createUser(org, {
      username: DEFAULT_USERNAME,
      password: DEFAULT_PASSWORD,
      firstName: 'Sandbox',
      lastName: 'Rep',
      email: DEFAULT_USERNAME,
    });
    const admin = this.createUser(org, {
      username: DEFAULT_ADMIN_USERNAME,
      password: DEFAULT_PASSWORD,
      firstName: 'Sandbox',
      lastName: 'Admin',
      viewAllData: true,
      modifyAllData: true,
    });
    const app = this.createApp({ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, redirectUris: [] });
    return { org, user, admin, app };
  }

  clear(): void {
    this.orgs.clear();
    this.apps.clear();
    this.counters.clear();
  }

  /**
   * `salesConnectTaskIdField: false`: an org as a customer's is before the package is deployed (no custom Task field).
   * `isSandbox`, `myDomainHost`, `preventLoginHostLogin`: where its users sign in and its API answers.
   */
  createOrg(
    name: string,
    dailyApiLimit = this.defaultDailyApiLimit,
    options: {
      salesConnectTaskIdField?: boolean;
      isSandbox?: boolean;
      myDomainHost?: string | null;
      preventLoginHostLogin?: boolean;
    } = {},
  ): OrgState {
    if (options.myDomainHost && this.findOrgByHost(options.myDomainHost))
      throw new Error(`My Domain ${options.myDomainHost} is taken`);
    const id = this.nextId(KEY_PREFIX.Organization);
    const now = toWholeSecond(this.clock.nowMs());
    const org: OrgState = {
      id,
      name,
      dailyApiLimit,
      apiUsage: { day: '', used: 0 },
      users: new Map(),
      contacts: new Map(),
      leads: new Map(),
      accounts: new Map(),
      queryPageSize: null,
      taskStatuses: buildTaskStatusRows(DEFAULT_TASK_STATUSES, [], now, null, () => this.nextId(KEY_PREFIX.TaskStatus)),
      rules: emptyOrgRules(),
      taskFields: options.salesConnectTaskIdField === false ? buildTaskFields([]) : buildTaskFields(),
      tasks: new TaskStore(this.taskObserverFor?.(id) ?? null),
      changes: [],
      recycleBinPurgedBefore: null,
      permissionSets: [],
      isSandbox: options.isSandbox === true,
      myDomainHost: options.myDomainHost ?? null,
      previousHosts: [],
      preventLoginHostLogin: options.preventLoginHostLogin === true,
    };
    this.orgs.set(id, org);
    return org;
  }

  createUser(org: OrgState, input: NewUser): UserRecord {
    if (this.findUserByUsername(input.username)) throw new Error(`username ${input.username} is taken`);
    const id = this.nextId(KEY_PREFIX.User);
    const firstName = input.firstName ?? null;
    const lastName = input.lastName ?? input.username.split('@')[0];
    const user: UserRecord = {
      password: input.password ?? DEFAULT_PASSWORD,
      viewAllData: input.viewAllData === true,
      modifyAllData: input.modifyAllData === true,
      fields: {
        Id: id,
        Username: input.username,
        Email: input.email ?? input.username,
        FirstName: firstName,
        LastName: lastName,
        Name: [firstName, lastName].filter(Boolean).join(' '),
        TimeZoneSidKey: input.timeZoneSidKey ?? 'America/Los_Angeles',
        IsActive: true,
        ...this.auditFields(null),
      },
    };
    org.users.set(id, user);
    return user;
  }

  createPerson(org: OrgState, kind: 'Contact' | 'Lead', input: NewPerson): Fields {
    const id = this.nextId(kind === 'Contact' ? KEY_PREFIX.Contact : KEY_PREFIX.Lead);
    const fields: Fields = {
      Id: id,
      FirstName: input.firstName ?? null,
      LastName: input.lastName,
      Name: [input.firstName, input.lastName].filter(Boolean).join(' '),
      Email: input.email ?? null,
      IsDeleted: false,
      ...(kind === 'Lead' ? { Company: input.company ?? 'Sandbox' } : {}),
      ...this.auditFields(null),
    };
    (kind === 'Contact' ? org.contacts : org.leads).set(id, fields);
    return fields;
  }

  createAccount(org: OrgState, name: string): Fields {
    const id = this.nextId(KEY_PREFIX.Account);
    const fields: Fields = { Id: id, Name: name, IsDeleted: false, ...this.auditFields(null) };
    org.accounts.set(id, fields);
    return fields;
  }

  createApp(app: ConnectedApp): ConnectedApp {
    this.apps.set(app.clientId, app);
    return app;
  }

  /** The org a My Domain host is (or was, before a move) the instance of. */
  findOrgByHost(host: string): OrgState | undefined {
    return [...this.orgs.values()].find((o) => o.myDomainHost === host || o.previousHosts.includes(host));
  }

  /** My Domain renamed, or the org migrated: the new host serves it, the old one refuses its sessions. */
  moveOrg(org: OrgState, host: string): void {
    const holder = this.findOrgByHost(host);
    if (holder && holder !== org) throw new Error(`My Domain ${host} is taken`);
    if (org.myDomainHost === host) return;
    org.previousHosts = [
      ...org.previousHosts.filter((h) => h !== host),
      ...(org.myDomainHost ? [org.myDomainHost] : ['(root)']),
    ];
    org.myDomainHost = host;
  }

  findUserByUsername(username: string): { org: OrgState; user: UserRecord } | undefined {
    for (const org of this.orgs.values()) {
      for (const user of org.users.values()) {
        if ((user.fields.Username as string).toLowerCase() === username.toLowerCase()) return { org, user };
      }
    }
    return undefined;
  }

  /** Orgs are addressed by their 15- or 18-character id. */
  getOrg(orgId: string): OrgState | undefined {
    return this.orgs.get(orgId) ?? [...this.orgs.values()].find((o) => toId15(o.id) === toId15(orgId));
  }

  recordChange(org: OrgState, change: TaskChange): void {
    org.changes.push(change);
    // Trimmed in slices of a tenth: dropping one entry a write moved the whole log each time, which
    // grew to a third of a core at the benchmark's 200 changes a second.
    if (org.changes.length > MAX_CHANGES + MAX_CHANGES / 10) org.changes.splice(0, org.changes.length - MAX_CHANGES);
    // A write rolled back (allOrNone) leaves no change behind.
    org.tasks.onRollback(() => {
      const index = org.changes.lastIndexOf(change);
      if (index >= 0) org.changes.splice(index, 1);
    });
  }

  /**
   * Salesforce empties the recycle bin after 15 days; done lazily whenever an org's tasks are read.
   * The same point, moved later by emptyRecycleBin, is where getDeleted's log starts.
   */
  purgeRecycleBin(org: OrgState): void {
    org.tasks.purgeDeletedBefore(deleteLogStart(this.clock.nowMs(), org.recycleBinPurgedBefore));
  }

  /** Hard-deletes the tasks deleted before `before` (Empty Recycle Bin, or a full bin); answers their ids. */
  emptyRecycleBin(org: OrgState, before: number): string[] {
    // The delete log never starts earlier again: what was purged stays gone.
    org.recycleBinPurgedBefore = Math.max(before, org.recycleBinPurgedBefore ?? before);
    return org.tasks.purgeDeletedBefore(deleteLogStart(this.clock.nowMs(), org.recycleBinPurgedBefore));
  }

  toJSON(): SnapshotState {
    return {
      counters: Object.fromEntries(this.counters),
      apps: [...this.apps.values()],
      orgs: [...this.orgs.values()].map((o) => ({
        id: o.id,
        name: o.name,
        dailyApiLimit: o.dailyApiLimit,
        apiUsage: o.apiUsage,
        users: [...o.users.values()],
        contacts: [...o.contacts.values()],
        leads: [...o.leads.values()],
        accounts: [...o.accounts.values()],
        queryPageSize: o.queryPageSize,
        taskStatuses: o.taskStatuses,
        rules: o.rules,
        // Only the custom fields: the standard ones come from the code that loads the snapshot.
        taskCustomFields: o.taskFields.filter(isCustomField),
        tasks: o.tasks.toJSON(),
        changes: o.changes,
        recycleBinPurgedBefore: o.recycleBinPurgedBefore,
        permissionSets: o.permissionSets,
        isSandbox: o.isSandbox,
        myDomainHost: o.myDomainHost,
        previousHosts: o.previousHosts,
        preventLoginHostLogin: o.preventLoginHostLogin,
      })),
    };
  }

  loadJSON(state: SnapshotState): void {
    this.clear();
    for (const [prefix, n] of Object.entries(state.counters)) this.counters.set(prefix, n);
    for (const app of state.apps) this.apps.set(app.clientId, app);
    for (const o of state.orgs) {
      // Snapshots written before org shaping existed load with a new org's fields; their tasks get the newer fields' defaults.
      const { taskCustomFields, ...rest } = o;
      const taskFields = withOrgRuleFields(
        buildTaskFields(taskCustomFields),
        o.taskStatuses,
        o.rules?.recordTypes ?? [],
      );
      const defaults = newTaskDefaults(taskFields);
      this.orgs.set(o.id, {
        ...rest,
        taskFields,
        users: new Map(o.users.map((u) => [u.fields.Id as string, u])),
        contacts: new Map(o.contacts.map((c) => [c.Id as string, c])),
        leads: new Map(o.leads.map((l) => [l.Id as string, l])),
        // Snapshots written before accounts and page sizes existed load with none.
        accounts: new Map((o.accounts ?? []).map((a) => [a.Id as string, a])),
        queryPageSize: o.queryPageSize ?? null,
        // Snapshots written before org rules and SortOrder existed load with none and list order.
        taskStatuses: withSortOrder(o.taskStatuses),
        rules: loadOrgRules(o.rules),
        // Snapshots written before the recycle bin could be emptied early load with the 15-day purge only.
        recycleBinPurgedBefore: o.recycleBinPurgedBefore ?? null,
        // Snapshots written before the Metadata API existed load with no permission sets.
        permissionSets: o.permissionSets ?? [],
        // Snapshots written before environments existed: production orgs at the sandbox's root.
        isSandbox: o.isSandbox ?? false,
        myDomainHost: o.myDomainHost ?? null,
        previousHosts: o.previousHosts ?? [],
        preventLoginHostLogin: o.preventLoginHostLogin ?? false,
        tasks: TaskStore.fromJSON(
          o.tasks.map((t) => ({ ...t, fields: { ...defaults, ...t.fields } })),
          this.taskObserverFor?.(o.id) ?? null,
        ),
      });
    }
  }

  private auditFields(userId: string | null): Fields {
    const now = toWholeSecond(this.clock.nowMs());
    return {
      CreatedDate: now,
      CreatedById: userId,
      LastModifiedDate: now,
      LastModifiedById: userId,
      SystemModstamp: now,
    };
  }
}

export interface SnapshotState {
  counters: Record<string, number>;
  apps: ConnectedApp[];
  orgs: {
    id: string;
    name: string;
    dailyApiLimit: number;
    apiUsage: { day: string; used: number };
    users: UserRecord[];
    contacts: Fields[];
    leads: Fields[];
    accounts?: Fields[];
    queryPageSize?: number | null;
    taskStatuses: Fields[];
    rules?: OrgRules;
    taskCustomFields?: FieldDef[];
    tasks: TaskRecord[];
    changes: TaskChange[];
    recycleBinPurgedBefore?: number | null;
    permissionSets?: PermissionSetRecord[];
    isSandbox?: boolean;
    myDomainHost?: string | null;
    previousHosts?: string[];
    preventLoginHostLogin?: boolean;
  }[];
}
