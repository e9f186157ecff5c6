import { ApiProblemResponses, decodeCursor, Page, PageQueryDto, Roles, toPage, UnitOfWork } from '@app/core';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ExchangeFileEntity } from './exchange-file.entity';
import { ExchangeSessionEntity } from './exchange-session.entity';

const STATES = ['open', 'importing', 'completed', 'failed', 'expired'];
/** Files listed per session; images are only counted. */
const FILES_PER_SESSION = 100;

export class ExchangeSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATES }) @IsOptional() @IsIn(STATES) state?: string;
  @ApiPropertyOptional({ enum: ['catalog', 'sale'] }) @IsOptional() @IsIn(['catalog', 'sale']) type?: string;
}

export class ExchangeFileDto {
  @ApiProperty({ example: 'import0_1.xml' }) name!: string;
  @ApiProperty({ enum: ['xml', 'archive'] }) role!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The archive it was extracted from.' })
  archive!: string | null;
  @ApiProperty({ enum: ['uploading', 'received', 'unpacking', 'unpacked', 'importing', 'done', 'failed'] })
  phase!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty() parts!: number;
  @ApiProperty({ description: 'How far the parser has read.' }) bytesParsed!: number;
  @ApiProperty({ description: 'Records delivered to the ports: the import checkpoint.' }) recordsDone!: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'import' }) documentKind!: string | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: { type: 'integer' } })
  counts!: Record<string, number> | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class ExchangeSessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['catalog', 'sale'] }) type!: string;
  @ApiProperty({ enum: STATES }) state!: string;
  @ApiProperty() login!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) remoteAddress!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) userAgent!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '2.08' }) clientVersion!: string | null;
  @ApiProperty() bytesUploaded!: number;
  @ApiProperty() filesUploaded!: number;
  @ApiProperty() imagesStored!: number;
  @ApiProperty() imagesSkipped!: number;
  @ApiProperty() recordsImported!: number;
  @ApiProperty() ordersExported!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) failureCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ type: [ExchangeFileDto], description: `XML files and archives (at most ${FILES_PER_SESSION}).` })
  files!: ExchangeFileDto[];
}

export class ExchangeSessionsPageDto implements Page<ExchangeSessionDto> {
  @ApiProperty({ type: [ExchangeSessionDto] }) items!: ExchangeSessionDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/exchange-sessions')
export class ExchangeSessionsController {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: '1C CommerceML exchange sessions, newest first, with the progress of each file' })
  @ApiOkResponse({ type: ExchangeSessionsPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: ExchangeSessionsQueryDto): Promise<ExchangeSessionsPageDto> {
    const limit = query.limit ?? 50;
    const builder = this.unitOfWork.manager
      .getRepository(ExchangeSessionEntity)
      .createQueryBuilder('s')
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit + 1);
    if (query.state) {
      builder.andWhere('s.state = :state', { state: query.state });
    }
    if (query.type) {
      builder.andWhere('s.type = :type', { type: query.type });
    }
    if (query.cursor) {
      const { createdAt, id } = decodeCursor(query.cursor, { createdAt: 'timestamp', id: 'uuid' });
      builder.andWhere('(s.createdAt, s.id) < (:createdAt, :id)', { createdAt, id });
    }
    const sessions = await builder.getMany();
    const files = await this.filesOf(sessions.slice(0, limit).map((session) => session.id));
    return toPage(
      sessions,
      limit,
      (session) => toDto(session, files.get(session.id) ?? []),
      (session) => ({ createdAt: session.createdAt.toISOString(), id: session.id }),
    ) as ExchangeSessionsPageDto;
  }

  private async filesOf(sessionIds: string[]): Promise<Map<string, ExchangeFileEntity[]>> {
    const bySession = new Map<string, ExchangeFileEntity[]>();
    if (sessionIds.length === 0) {
      return bySession;
    }
    const rows = await this.unitOfWork.manager.query<{ id: string }[]>(
      `SELECT id FROM (
         SELECT id, row_number() OVER (PARTITION BY session_id ORDER BY id) AS n
           FROM onec_exchange_files WHERE session_id = ANY($1) AND role <> 'image') ranked
        WHERE n <= $2`,
      [sessionIds, FILES_PER_SESSION],
    );
    const files = await this.unitOfWork.manager
      .getRepository(ExchangeFileEntity)
      .createQueryBuilder('f')
      .where('f.id IN (:...ids)', { ids: rows.length > 0 ? rows.map((row) => row.id) : ['0'] })
      .orderBy('f.id', 'ASC')
      .getMany();
    for (const file of files) {
      bySession.set(file.sessionId, [...(bySession.get(file.sessionId) ?? []), file]);
    }
    return bySession;
  }
}

function toDto(session: ExchangeSessionEntity, files: ExchangeFileEntity[]): ExchangeSessionDto {
  return {
    id: session.id,
    type: session.type,
    state: session.state,
    login: session.login,
    remoteAddress: session.remoteAddress,
    userAgent: session.userAgent,
    clientVersion: session.clientVersion,
    bytesUploaded: Number(session.bytesUploaded),
    filesUploaded: session.filesUploaded,
    imagesStored: session.imagesStored,
    imagesSkipped: session.imagesSkipped,
    recordsImported: Number(session.recordsImported),
    ordersExported: session.ordersExported,
    failureCode: session.failureCode,
    failureReason: session.failureReason,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    finishedAt: session.finishedAt?.toISOString() ?? null,
    files: files.map((file) => ({
      name: file.name,
      role: file.role,
      archive: file.archive,
      phase: file.phase,
      bytes: Number(file.bytes),
      parts: file.parts,
      bytesParsed: Number(file.bytesParsed),
      recordsDone: file.recordsDone,
      documentKind: file.documentKind,
      counts: file.counts,
      error: file.error,
      updatedAt: file.updatedAt.toISOString(),
    })),
  };
}
