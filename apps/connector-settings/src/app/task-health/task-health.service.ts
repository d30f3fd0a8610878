import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectionAccess } from '../admin/connection-access';
import type { Principal } from '../auth/principal';
import type { ConnectionEntity } from '../connections/connection.entity';
import { OrgApiAllocationService } from '../api-allocation/org-api-allocation.service';
import type { FailedTaskView } from '@task-sync/contracts/http';
import { groupFailedTasks, listFailedTasks, type FailedTaskFilter } from '../status/failed-tasks';
import { describeProblem } from './problem-catalog';
import type { TaskHealthTimeline } from '@task-sync/contracts';
import {
  RECONCILER_CLIENT,
  type ReconcilerClient,
  type ReconcilerConflict,
  type ReconcilerTask,
} from './reconciler.client';
import { buildTaskLinks, type TaskLinks } from './task-links';
import { toCsv } from './failed-tasks.csv';
import type { FailedTaskSelection } from './task-health.schemas';
import { toPage, type Page } from '../http/pagination';

/** Injection token: SALESCONNECT_APP_TASK_URL_TEMPLATE. */
export const SALESCONNECT_TASK_URL_TEMPLATE = Symbol('SALESCONNECT_TASK_URL_TEMPLATE');

export type FailedTaskItem = FailedTaskView & TaskLinks;
export type TaskItem = ReconcilerTask & TaskLinks;
export type ConflictItem = ReconcilerConflict & TaskLinks;

export interface ProblemGroup {
  code: string;
  side: 'sfdc' | 'salesconnect';
  title: string;
  advice: string;
  message: string;
  count: number;
}

/** The reconciler owns the timeline, Resync and the failed writes' Retry now and Ignore. */
@Injectable()
export class TaskHealthService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RECONCILER_CLIENT) private readonly reconciler: ReconcilerClient,
    @Inject(OrgApiAllocationService) private readonly allocations: OrgApiAllocationService,
    @Inject(ConnectionAccess) private readonly access: ConnectionAccess,
    @Inject(SALESCONNECT_TASK_URL_TEMPLATE) private readonly salesConnectTemplate: string,
  ) {}

  /** The connection if the caller may see its health (ConnectionAccess: its owner or an admin of the tenant), else 404. */
  findVisible(principal: Principal, id: string): Promise<ConnectionEntity> {
    return this.access.findVisible(principal, id);
  }

  async problems(principal: Principal, id: string): Promise<{ groups: ProblemGroup[]; total: number }> {
    const connection = await this.findVisible(principal, id);
    const groups = (await groupFailedTasks(this.dataSource, connection.id)).map((g) => ({
      code: g.code,
      side: g.side,
      ...describeProblem(g.side, g.code),
      message: g.message,
      count: g.count,
    }));
    return { groups, total: groups.reduce((n, g) => n + g.count, 0) };
  }

  async failedTasks(
    principal: Principal,
    id: string,
    filter: FailedTaskFilter,
    offset: number,
    limit: number,
  ): Promise<Page<FailedTaskItem>> {
    const connection = await this.findVisible(principal, id);
    const { items, total } = await listFailedTasks(this.dataSource, connection.id, filter, { offset, limit });
    return toPage(
      items.map((t) => this.withLinks(connection, t)),
      total,
      { offset, limit },
    );
  }

  async failedTasksCsv(principal: Principal, id: string, filter: FailedTaskFilter): Promise<string> {
    const connection = await this.findVisible(principal, id);
    const { items } = await listFailedTasks(this.dataSource, connection.id, filter);
    return toCsv<FailedTaskItem>(
      [
        ['subject', (t) => t.subject],
        ['side', (t) => t.side],
        ['code', (t) => t.code],
        ['problem', (t) => describeProblem(t.side, t.code).title],
        ['message', (t) => t.reason],
        ['write', (t) => t.kind],
        ['attempts', (t) => t.attempts],
        ['first failed at', (t) => t.firstFailedAt],
        ['next retry at', (t) => t.nextRetryAt],
        ['sales connect task id', (t) => t.salesConnectTaskId],
        ['salesforce task id', (t) => t.sfdcTaskId],
        ['sales connect url', (t) => t.salesConnectUrl],
        ['salesforce url', (t) => t.salesforceUrl],
        ['link id', (t) => t.linkId],
      ],
      items.map((t) => this.withLinks(connection, t)),
    );
  }

  async retry(principal: Principal, id: string, selection: FailedTaskSelection): Promise<{ accepted: number }> {
    const connection = await this.findVisible(principal, id);
    return this.reconciler.retry(connection.id, { ...selection, by: principal.userId });
  }

  async ignore(principal: Principal, id: string, selection: FailedTaskSelection): Promise<{ accepted: number }> {
    const connection = await this.findVisible(principal, id);
    return this.reconciler.ignore(connection.id, { ...selection, by: principal.userId });
  }

  async conflicts(principal: Principal, id: string, offset: number, limit: number): Promise<Page<ConflictItem>> {
    const connection = await this.findVisible(principal, id);
    const page = await this.reconciler.conflicts(connection.id, offset, limit);
    return { ...page, items: page.items.map((c) => this.withLinks(connection, c)) };
  }

  async apiUsage(principal: Principal, id: string) {
    const connection = await this.findVisible(principal, id);
    return this.allocations.usageOverWindow(connection.sfdcOrgId);
  }

  async searchTasks(
    principal: Principal,
    id: string,
    q: string,
    offset: number,
    limit: number,
  ): Promise<Page<TaskItem>> {
    const connection = await this.findVisible(principal, id);
    const page = await this.reconciler.searchTasks(connection.id, q, offset, limit);
    return { ...page, items: page.items.map((t) => this.withLinks(connection, t)) };
  }

  async timeline(
    principal: Principal,
    id: string,
    linkId: string,
    offset: number,
    limit: number,
  ): Promise<TaskHealthTimeline<TaskItem>> {
    const connection = await this.findVisible(principal, id);
    const page = await this.reconciler.timeline(connection.id, linkId, offset, limit);
    return {
      task: this.withLinks(connection, page.task),
      items: page.items,
      total: page.total,
      nextOffset: page.nextOffset,
    };
  }

  async resync(principal: Principal, id: string, linkId: string): Promise<{ outcome: string; differences: string[] }> {
    const connection = await this.findVisible(principal, id);
    return this.reconciler.resync(connection.id, linkId, principal.userId);
  }

  private withLinks<T extends { sfdcTaskId: string | null; salesConnectTaskId: string | null }>(
    connection: ConnectionEntity,
    item: T,
  ): T & TaskLinks {
    return { ...item, ...buildTaskLinks(item, connection.instanceUrl, this.salesConnectTemplate) };
  }
}
