import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { KafkaPublisher, APP_CONFIG } from '@task-sync/util-nest';
import type { ReconcilerConfig } from '../reconciler.config';
import { DriftRepairService, type ResyncReport } from '../drift/drift-repair.service';
import { FailedWritesRepository } from '../writes/failed-writes.repository';
import { buildFailedWriteMessage } from '../writes/failed-write.message';
import { InternalServiceGuard } from './internal-service.guard';
import {
  TaskActivityRepository,
  type ActivityEvent,
  type ActivityTask,
  type ConflictItem,
  type Page,
} from './task-activity.repository';
import {
  failedWriteSelectionSchema,
  pageQuerySchema,
  resyncBodySchema,
  taskSearchQuerySchema,
} from './task-health.schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a query or body at the edge; the 400 names every bad field. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new BadRequestException({
    error: 'VALIDATION_FAILED',
    message: 'the request is not valid',
    fields: result.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })),
  });
}

/**
 * connector-settings checks who may see the connection. Internal: the service's own port (no
 * Ingress), the shared service token only.
 */
@Controller('internal/task-health/connections/:connectionId')
@UseGuards(InternalServiceGuard)
export class TaskHealthController {
  private readonly activity: TaskActivityRepository;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(FailedWritesRepository) private readonly failedWrites: FailedWritesRepository,
    @Inject(DriftRepairService) private readonly repair: DriftRepairService,
    @Inject(KafkaPublisher) private readonly publisher: KafkaPublisher,
  ) {
    this.activity = new TaskActivityRepository(dataSource);
  }

  @Get('tasks')
  searchTasks(@Param('connectionId') connectionId: string, @Query() query: unknown): Promise<Page<ActivityTask>> {
    const { q, offset, limit } = parse(taskSearchQuerySchema, query);
    return this.activity.searchTasks(connectionId, q, offset, limit);
  }

  @Get('tasks/:linkId/timeline')
  async timeline(
    @Param('connectionId') connectionId: string,
    @Param('linkId') linkId: string,
    @Query() query: unknown,
  ): Promise<Page<ActivityEvent> & { task: ActivityTask }> {
    const { offset, limit } = parse(pageQuerySchema, query);
    const task = await this.findTask(connectionId, linkId);
    return { task, ...(await this.activity.timeline(connectionId, linkId, offset, limit)) };
  }

  @Post('tasks/:linkId/resync')
  @HttpCode(200)
  async resync(
    @Param('connectionId') connectionId: string,
    @Param('linkId') linkId: string,
    @Body() body: unknown,
  ): Promise<ResyncReport> {
    const { by } = parse(resyncBodySchema, body);
    await this.findTask(connectionId, linkId);
    const report = await this.repair.resyncPair(connectionId, linkId, by ?? null);
    return report ?? { outcome: 'skipped:not-paired', differences: [] };
  }

  @Get('conflicts')
  conflicts(@Param('connectionId') connectionId: string, @Query() query: unknown): Promise<Page<ConflictItem>> {
    const { offset, limit } = parse(pageQuerySchema, query);
    return this.activity.conflicts(connectionId, offset, limit);
  }

  /** Retry now: the named failed writes are queued by the flusher's next round, not at their next retry time. */
  @Post('failed-writes/retry')
  @HttpCode(202)
  async retry(@Param('connectionId') connectionId: string, @Body() body: unknown): Promise<{ accepted: number }> {
    const selection = parse(failedWriteSelectionSchema, body);
    return { accepted: await this.failedWrites.scheduleRetryNow(this.dataSource, connectionId, selection) };
  }

  /** Ignore: no more retries until the task changes; connector-settings is told (`ignored`), so they leave its problems list. */
  @Post('failed-writes/ignore')
  @HttpCode(202)
  async ignore(@Param('connectionId') connectionId: string, @Body() body: unknown): Promise<{ accepted: number }> {
    const selection = parse(failedWriteSelectionSchema, body);
    const ignored = await this.failedWrites.markIgnored(this.dataSource, connectionId, selection);
    // After the commit, as the flusher's reports; a lost publish shows until the task's next report.
    if (ignored.length > 0)
      await this.publisher.publish(
        ignored.map((c) => buildFailedWriteMessage(this.config.SERVICE_NAME, { ignored: c })),
      );
    return { accepted: ignored.length };
  }

  private async findTask(connectionId: string, linkId: string): Promise<ActivityTask> {
    const task = UUID.test(linkId) ? await this.activity.findTask(connectionId, linkId) : null;
    if (!task) throw new NotFoundException({ error: 'NOT_FOUND', message: 'no such task of this connection' });
    return task;
  }
}
