import {
  ApiProblemResponses,
  CurrentPrincipal,
  decodeCursor,
  Idempotent,
  PageQueryDto,
  type Principal,
  Roles,
  createdPage,
  CREATED_CURSOR,
} from '@app/core';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { CollisionsService } from '../application/collisions.service';
import {
  type Collision,
  COLLISION_DECISIONS,
  COLLISION_STATUSES,
  type CollisionDecision,
  type CollisionStatus,
} from '../domain/collision';

const NAME = /^[a-z][a-z0-9_-]{0,49}$/;

export class CollisionIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class CollisionListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'deliveries' })
  @IsOptional()
  @Matches(NAME, { message: 'domain must be a domain name such as deliveries' })
  domain?: string;

  @ApiPropertyOptional({ description: 'Our id of the record in dispute.' })
  @IsOptional()
  @IsUUID()
  entity?: string;

  @ApiPropertyOptional({ enum: COLLISION_STATUSES })
  @IsOptional()
  @IsIn(COLLISION_STATUSES)
  status?: CollisionStatus;
}

export class ResolveCollisionDto {
  @ApiProperty({
    enum: COLLISION_DECISIONS,
    description:
      '`accept_1c`: the value 1C sent; `accept_middleware`: what the middleware holds (and has shown); `edit`: `value`.',
  })
  @IsIn(COLLISION_DECISIONS)
  decision!: CollisionDecision;

  @ApiPropertyOptional({ description: 'For `edit`: the value to apply, shaped as the field in dispute.' })
  @ValidateIf((body: ResolveCollisionDto) => body.decision === 'edit')
  @IsDefined()
  value?: unknown;

  @ApiProperty({ maxLength: 1000, description: 'Why: kept with the resolution and in the audit trail.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  // eslint-disable-next-line no-control-regex -- matching the NUL is the point
  @Matches(/^[^\u0000]*$/, { message: 'comment must not contain a NUL character' })
  comment!: string;
}

export class CollisionResolutionDto {
  @ApiProperty({ enum: COLLISION_DECISIONS }) decision!: string;
  @ApiProperty({ nullable: true }) value!: unknown;
  @ApiProperty() comment!: string;
  @ApiProperty() resolvedBy!: string;
  @ApiProperty({ format: 'date-time' }) resolvedAt!: string;
}

export class CollisionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'deliveries' }) domain!: string;
  @ApiProperty({ example: 'delivery' }) entityType!: string;
  @ApiProperty() entityId!: string;
  @ApiProperty({ example: 'content' }) field!: string;
  @ApiProperty({ nullable: true, description: 'The value that arrived.' }) proposed!: unknown;
  @ApiProperty({ enum: ['1c', 'bitrix24', 'middleware'] }) proposedBy!: string;
  @ApiProperty({ nullable: true, description: 'The value the middleware held.' }) held!: unknown;
  @ApiProperty({ enum: COLLISION_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: CollisionResolutionDto }) resolution!: CollisionResolutionDto | null;
  @ApiProperty({ nullable: true, type: 'string' }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CollisionPageDto {
  @ApiProperty({ type: [CollisionDto] }) items!: CollisionDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

const toDto = (collision: Collision): CollisionDto => ({
  ...collision,
  resolution: collision.resolution ? { ...collision.resolution } : null,
  createdAt: collision.createdAt.toISOString(),
});

@ApiTags('admin')
@Controller('api/v1/admin/collisions')
@Roles('admin')
export class CollisionsController {
  constructor(private readonly collisions: CollisionsService) {}

  @Get()
  @ApiOperation({ summary: 'Collisions between 1C, Bitrix24 and the middleware, newest first' })
  @ApiOkResponse({ type: CollisionPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: CollisionListQueryDto): Promise<CollisionPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.collisions.list({
      domain: query.domain,
      entityId: query.entity,
      status: query.status,
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, CREATED_CURSOR),
      limit,
    });
    return createdPage(rows, limit, toDto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One collision' })
  @ApiOkResponse({ type: CollisionDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(@Param() { id }: CollisionIdParamDto): Promise<CollisionDto> {
    return toDto(await this.collisions.get(id));
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Resolve a collision: the chosen value is applied and propagated to 1C and Bitrix24',
    description:
      'Audited. The same decision again answers the resolved collision; another decision on a resolved one is a 409.',
  })
  @ApiBody({ type: ResolveCollisionDto })
  @ApiOkResponse({ type: CollisionDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async resolve(
    @Param() { id }: CollisionIdParamDto,
    @Body() body: ResolveCollisionDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CollisionDto> {
    return toDto(
      await this.collisions.resolve(
        id,
        { decision: body.decision, value: body.value, comment: body.comment },
        principal,
      ),
    );
  }
}
