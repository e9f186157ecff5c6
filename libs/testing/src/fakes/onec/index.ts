// The fake 1C: a client that replays 1C's exchange against our endpoint, a fake of 1C's HTTP service, test doubles
// of the connector's ports with the contract suites they share with the real adapters, and CommerceML test data.
export * from './commerceml-generator';
export * from './fake-onec-exchange';
export * from './fake-onec-http-service';
export * from './onec-push-port.contract';
export * from './onec-push-port.double';
export * from './recording-ports';
export * from './sale-port-doubles';
export * from './sale-ports.contract';
