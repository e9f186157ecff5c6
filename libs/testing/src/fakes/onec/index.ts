// The fake 1C: a client that replays 1C's exchange against our endpoint, a fake of 1C's HTTP service, and test
// doubles of the exchange's ports.
export * from './commerceml-generator';
export * from './fake-onec-exchange';
export * from './fake-onec-http-service';
export * from './recording-ports';
