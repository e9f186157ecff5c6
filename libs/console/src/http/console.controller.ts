import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, AppError, mintDevelopmentToken, Public, RateLimited } from '@app/core';
import { Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

/** The console's files, read once: a few kilobytes, served from memory. */
const ASSETS_DIRECTORY = join(__dirname, '..', '..', 'assets');
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
};
const ASSET_NAME = /^[a-z0-9-]+\.(js|css)$/;
const DEV_SIGN_IN_TTL = '8h';

function asset(name: string): string {
  return readFileSync(join(ASSETS_DIRECTORY, name), 'utf8');
}

/**
 * The back-office console: one page and its scripts, served by the API (no CDN), which read and act only through
 * the public admin API with the operator's token. The page holds no data, so serving it needs no sign-in; every
 * call it makes does.
 */
@ApiExcludeController()
@Public()
@RateLimited('console')
@Controller('console')
export class ConsoleController {
  private readonly page: string;
  private readonly assets = new Map<string, string>();

  constructor(private readonly config: AppConfig) {
    this.page = asset('index.html');
  }

  @Get(['', '*'])
  page$(@Res() reply: FastifyReply): void {
    const issuer = this.config.console.oidc?.issuer;
    void reply
      .header('content-type', TYPES.html)
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        [
          "default-src 'self'",
          `connect-src 'self'${issuer ? ` ${new URL(issuer).origin}` : ''}`,
          "img-src 'self' data:",
          "frame-ancestors 'none'",
          "base-uri 'self'",
          "form-action 'self'",
        ].join('; '),
      )
      .send(this.page);
  }

  @Get('assets/:name')
  file(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const match = ASSET_NAME.exec(name);
    if (!match) {
      throw new AppError('CONSOLE_ASSET_NOT_FOUND', 'not_found', 'Not found', { detail: `No console file ${name}.` });
    }
    let body = this.assets.get(name);
    if (body === undefined) {
      try {
        body = asset(name);
      } catch {
        throw new AppError('CONSOLE_ASSET_NOT_FOUND', 'not_found', 'Not found', { detail: `No console file ${name}.` });
      }
      this.assets.set(name, body);
    }
    void reply.header('content-type', TYPES[match[1]]).header('cache-control', 'no-cache').send(body);
  }

  /** What the page needs to sign in: the identity provider, or the development sign-in where it exists. */
  @Get('config.json')
  @Header('cache-control', 'no-store')
  settings() {
    return {
      oidc: this.config.console.oidc,
      devSignIn: this.config.jwt.usesDevelopmentSecret,
    };
  }

  /**
   * A local sign-in that exists only while the API verifies tokens with the public development secret (anyone can
   * mint those with `npm run token` anyway); with a real secret, key or JWKS it is not found.
   */
  @Post('dev-sign-in')
  @HttpCode(200)
  devSignIn() {
    if (!this.config.jwt.usesDevelopmentSecret) {
      throw new AppError('CONSOLE_DEV_SIGN_IN_OFF', 'not_found', 'Not found', {
        detail: 'The development sign-in exists only with the development secret.',
      });
    }
    return {
      accessToken: mintDevelopmentToken(this.config, {
        subject: 'console-developer',
        roles: ['admin'],
        ttl: DEV_SIGN_IN_TTL,
      }),
    };
  }
}
