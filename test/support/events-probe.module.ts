import { Public, UnitOfWork } from '@app/core';
import { EventPublisher, EventsModule } from '@app/events';
import { RecorderInstructions, TEST_DESTINATION } from '@app/testing';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { IsArray, IsBoolean, IsObject, IsOptional, IsString } from 'class-validator';

export const EVENTS_PROBE_DDL = `
  CREATE TABLE IF NOT EXISTS test_entities (subject text PRIMARY KEY, version bigint NOT NULL DEFAULT 0);`;

class UpdateEntitiesDto {
  /** One entity update per element; each bumps that entity's version and announces it. */
  @IsArray() @IsString({ each: true }) subjects!: string[];
  @IsOptional() @IsString() destination?: string;
  @IsOptional() @IsString() type?: string;
  @IsOptional() @IsObject() data?: RecorderInstructions;
  @IsOptional() @IsBoolean() rollback?: boolean;
}

/**
 * A stand-in for a domain service: each update locks the entity row, bumps its version and publishes an event in
 * the same transaction, the way real modules use the outbox.
 */
@Controller('test/entities')
export class EventsProbeController {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly publisher: EventPublisher,
  ) {}

  @Post('update')
  @HttpCode(200)
  @Public()
  async update(
    @Body() body: UpdateEntitiesDto,
  ): Promise<{ events: { id: string; subject: string; version: number }[] }> {
    try {
      return await this.unitOfWork.run(async (manager) => {
        const events: { id: string; subject: string; version: number }[] = [];
        // Rows locked in one global order: two requests touching the same entities can never deadlock.
        for (const subject of [...body.subjects].sort()) {
          const [row] = await manager.query<{ version: string }[]>(
            `INSERT INTO test_entities (subject, version) VALUES ($1, 1)
             ON CONFLICT (subject) DO UPDATE SET version = test_entities.version + 1 RETURNING version`,
            [subject],
          );
          const version = Number(row.version);
          const [event] = await this.publisher.publish({
            destination: body.destination ?? TEST_DESTINATION,
            type: body.type ?? 'mastermobile.test.entity_updated.v1',
            subject,
            data: body.data ?? {},
            entityVersion: version,
          });
          events.push({ id: event.id, subject, version });
        }
        if (body.rollback) {
          throw new RollbackRequested(events);
        }
        return { events };
      });
    } catch (error) {
      if (error instanceof RollbackRequested) {
        return { events: [] };
      }
      throw error;
    }
  }
}

class RollbackRequested extends Error {
  constructor(readonly events: unknown[]) {
    super('rollback requested by the test');
  }
}

@Module({ imports: [EventsModule], controllers: [EventsProbeController] })
export class EventsProbeModule {}
