import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsService } from '../metrics/metrics.service';
import { ReadinessService } from './readiness.service';

/**
 * The worker serves no API, but orchestrators still need its probes and Prometheus its metrics: a bare node:http
 * listener with exactly three read-only routes.
 */
export async function startOpsServer(
  readiness: ReadinessService,
  metrics: MetricsService,
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, contentType: string, body: string): void => {
      response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    };
    if (request.method !== 'GET') {
      send(405, 'text/plain', 'method not allowed');
    } else if (path === '/health/live') {
      send(200, 'application/json', JSON.stringify({ status: 'ok' }));
    } else if (path === '/health/ready') {
      readiness.check().then(
        ({ ready, result }) => send(ready ? 200 : 503, 'application/json', JSON.stringify(result)),
        () => send(503, 'application/json', JSON.stringify({ status: 'error' })),
      );
    } else if (path === '/metrics') {
      metrics.render().then(
        ({ contentType, body }) => send(200, contentType, body),
        () => send(500, 'text/plain', 'metrics unavailable'),
      );
    } else {
      send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
