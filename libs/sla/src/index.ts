// The SLA lib's public surface: the rules it watches and the port a lib implements to check one.
export * from './application/ports/sla-probe.port';
