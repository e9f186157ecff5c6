export * from './fake-slack';
