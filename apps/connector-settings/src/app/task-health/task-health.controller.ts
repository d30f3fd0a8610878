import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { TaskHealthService } from './task-health.service';
import {
  failedTaskSelectionSchema,
  failedTasksCsvQuerySchema,
  failedTasksQuerySchema,
  pageQuerySchema,
  taskSearchQuerySchema,
  type FailedTaskSelection,
} from './task-health.schemas';
import type { z } from 'zod';

/** Its rep, or an admin of the same tenant; anyone else 404. */
@Controller('v1/connections/:id')
@UseGuards(AuthGuard)
export class TaskHealthController {
  constructor(@Inject(TaskHealthService) private readonly health: TaskHealthService) {}

  @Get('problems')
  problems(@Req() req: AuthenticatedRequest, @Param('id') id: string) {
    return this.health.problems(req.principal, id);
  }

  @Get('failed-tasks')
  failedTasks(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Query(new ZodBodyPipe(failedTasksQuerySchema, 'query')) query: z.output<typeof failedTasksQuerySchema>,
  ) {
    return this.health.failedTasks(
      req.principal,
      id,
      { code: query.code, side: query.side },
      query.offset,
      query.limit,
    );
  }

  @Get('failed-tasks.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async failedTasksCsv(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Query(new ZodBodyPipe(failedTasksCsvQuerySchema, 'query')) query: z.output<typeof failedTasksCsvQuerySchema>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const csv = await this.health.failedTasksCsv(req.principal, id, query);
    res.setHeader('content-disposition', `attachment; filename="failed-tasks-${id}.csv"`);
    return csv;
  }

  /** Retry now: the reconciler tries these writes at once instead of at their next retry. */
  @Post('failed-tasks/retry')
  @HttpCode(202)
  retry(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(failedTaskSelectionSchema)) body: FailedTaskSelection,
  ) {
    return this.health.retry(req.principal, id, body);
  }

  /** Ignore: no more retries, off the problems list, until the task changes. */
  @Post('failed-tasks/ignore')
  @HttpCode(202)
  ignore(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(failedTaskSelectionSchema)) body: FailedTaskSelection,
  ) {
    return this.health.ignore(req.principal, id, body);
  }

  @Get('conflicts')
  conflicts(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Query(new ZodBodyPipe(pageQuerySchema, 'query')) query: z.output<typeof pageQuerySchema>,
  ) {
    return this.health.conflicts(req.principal, id, query.offset, query.limit);
  }

  @Get('api-usage')
  apiUsage(@Req() req: AuthenticatedRequest, @Param('id') id: string) {
    return this.health.apiUsage(req.principal, id);
  }

  @Get('tasks')
  searchTasks(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Query(new ZodBodyPipe(taskSearchQuerySchema, 'query')) query: z.output<typeof taskSearchQuerySchema>,
  ) {
    return this.health.searchTasks(req.principal, id, query.q, query.offset, query.limit);
  }

  @Get('tasks/:linkId/timeline')
  timeline(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Param('linkId') linkId: string,
    @Query(new ZodBodyPipe(pageQuerySchema, 'query')) query: z.output<typeof pageQuerySchema>,
  ) {
    return this.health.timeline(req.principal, id, linkId, query.offset, query.limit);
  }

  @Post('tasks/:linkId/resync')
  @HttpCode(200)
  resync(@Req() req: AuthenticatedRequest, @Param('id') id: string, @Param('linkId') linkId: string) {
    return this.health.resync(req.principal, id, linkId);
  }
}
