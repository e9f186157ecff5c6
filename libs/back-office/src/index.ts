// The back office's public surface: its module for the API app and the timeline it builds from every lib's
// TraceSource (the port is core's, so every lib can implement it).
export * from './back-office-api.module';
export { TRACE_LIMIT, TraceService, type TraceTimeline } from './application/trace.service';
export { TraceEntryDto, TraceTimelineDto } from './http/dto/trace.dto';
