import { RouteConfig } from '@nestjs/platform-fastify';

/** Route config flag: the handler reads the request body itself, as a stream, whatever its content type. */
export const RAW_BODY_STREAM = 'mastermobileRawBodyStream';

/**
 * For endpoints that receive files (the 1C exchange posts raw bytes, sometimes with a misleading content type):
 * the body arrives in the handler as the unread request stream, so it can be written to disk without buffering.
 */
export const RawBodyStream = (): MethodDecorator => RouteConfig({ [RAW_BODY_STREAM]: true });
