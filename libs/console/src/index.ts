// Registers the console's configuration section (`config.console`) with core's loader before anything loads it.
import './console.config';

// The back-office console: served by the API, acting only through the public admin API.
export * from './console.module';
