export * from './http-app';
export * from './test-environment';
export * from './tokens';
export * from './processes';
export * from './events/test-consumers';
export * from './fakes/bitrix24';
export * from './fakes/onec';
export * from './redis-server';
