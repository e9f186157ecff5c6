import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { AccessGuard } from './auth.guard';
import { JwtStrategy } from './jwt.strategy';

/**
 * Global guards run in the order they are provided: authentication first, so the rate limit counts a request
 * against the principal its token proves rather than the address it came from.
 */
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [
    JwtStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class AuthModule {}
