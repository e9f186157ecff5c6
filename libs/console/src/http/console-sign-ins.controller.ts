import {
  ApiProblemResponses,
  AuditService,
  CurrentPrincipal,
  Idempotent,
  type Principal,
  RateLimited,
  Roles,
  UnitOfWork,
} from '@app/core';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

const METHODS = ['oidc', 'development', 'token'] as const;

export class ConsoleSignInDto {
  @ApiProperty({ enum: METHODS, description: 'How the operator signed in.' })
  @IsIn(METHODS)
  method!: (typeof METHODS)[number];
}

export class ConsoleSessionDto {
  @ApiProperty({ description: 'The signed-in principal, as the token names it.' }) subject!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
}

/** The console reports each sign-in, so it is an audit row like every other admin action. */
@ApiTags('console')
@RateLimited('console')
@Controller('api/v1/admin/console')
export class ConsoleSignInsController {
  constructor(
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  @Post('sign-ins')
  @HttpCode(200)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Record an operator’s sign-in to the console (an audit row with the principal and the request id)',
  })
  @ApiBody({ type: ConsoleSignInDto })
  @ApiOkResponse({ type: ConsoleSessionDto })
  @ApiProblemResponses(400, 401, 403)
  async signIn(@Body() body: ConsoleSignInDto, @CurrentPrincipal() principal: Principal): Promise<ConsoleSessionDto> {
    await this.unitOfWork.run(() => this.audit.signIn(principal.subject, { method: body.method, via: 'console' }));
    return { subject: principal.subject, roles: [...principal.roles] };
  }
}
