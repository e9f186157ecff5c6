import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** The 1C connector's Prometheus metrics (exchange endpoint in the API, HTTP-service client in the worker). */
@Injectable()
export class OnecMetrics {
  readonly uploadedBytes: Counter<'type'>;
  readonly recordsImported: Counter<'type' | 'kind'>;
  readonly importSliceSeconds: Histogram<'type' | 'outcome'>;
  readonly batchDeliverySeconds: Histogram<'type'>;
  readonly parserWaitSeconds: Counter<'type'>;
  readonly requests: Counter<'type' | 'mode' | 'status'>;
  readonly authFailures: Counter<'reason'>;
  readonly refused: Counter<'reason'>;
  readonly ordersExported: Counter;
  readonly saleDocumentsUnrouted: Counter<'operation'>;
  readonly pushCalls: Counter<'outcome'>;
  readonly pushSeconds: Histogram<'outcome'>;
  readonly breakerState: Gauge;

  constructor(metrics: MetricsService) {
    this.uploadedBytes = metrics.counter({
      name: 'onec_exchange_uploaded_bytes_total',
      help: 'Bytes 1C uploaded through the CommerceML exchange (mode=file), by exchange type',
      labelNames: ['type'],
    });
    this.recordsImported = metrics.counter({
      name: 'onec_exchange_records_imported_total',
      help: 'CommerceML records delivered to the ports, by exchange type and record kind',
      labelNames: ['type', 'kind'],
    });
    this.importSliceSeconds = metrics.histogram({
      name: 'onec_exchange_import_slice_seconds',
      help: 'Duration of one mode=import step, by exchange type and what it answered',
      labelNames: ['type', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60],
    });
    // Together they tell where an import's time goes: delivery (the ports' writes and the checkpoint) overlaps the
    // parsing of the next batch, so parsing is the bottleneck while the wait stays near zero, the ports otherwise.
    this.batchDeliverySeconds = metrics.histogram({
      name: 'onec_exchange_batch_delivery_seconds',
      help: 'Duration of one imported batch (up to 1,000 records): the ports and the checkpoint, in one transaction',
      labelNames: ['type'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    });
    this.parserWaitSeconds = metrics.counter({
      name: 'onec_exchange_parser_wait_seconds_total',
      help: 'Time the CommerceML parser had its next batch ready and waited for the previous delivery to commit',
      labelNames: ['type'],
    });
    this.requests = metrics.counter({
      name: 'onec_exchange_requests_total',
      help: 'Exchange requests from 1C, by type, mode and the status word answered',
      labelNames: ['type', 'mode', 'status'],
    });
    this.authFailures = metrics.counter({
      name: 'onec_exchange_auth_failures_total',
      help: 'Refused exchange logins, by reason',
      labelNames: ['reason'],
    });
    this.refused = metrics.counter({
      name: 'onec_exchange_refused_total',
      help: 'Exchange requests refused before a session was known, by failure code (only sampled in the IntegrationLog)',
      labelNames: ['reason'],
    });
    this.ordersExported = metrics.counter({
      name: 'onec_exchange_orders_exported_total',
      help: 'Orders and returns 1C confirmed with sale/success',
    });
    this.saleDocumentsUnrouted = metrics.counter({
      name: 'onec_sale_documents_unrouted_total',
      help: "1C's documents that no registered contribution owns (not applied), by ХозОперация",
      labelNames: ['operation'],
    });
    this.pushCalls = metrics.counter({
      name: 'onec_http_push_calls_total',
      help: "Pushes to 1C's HTTP service, by outcome (success, transient, rate_limited, unavailable, permanent)",
      labelNames: ['outcome'],
    });
    this.pushSeconds = metrics.histogram({
      name: 'onec_http_push_duration_seconds',
      help: "Duration of pushes to 1C's HTTP service, by outcome",
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.breakerState = metrics.gauge({
      name: 'onec_http_circuit_state',
      help: "Circuit breaker towards 1C's HTTP service in this process: 0 closed, 1 half-open, 2 open",
    });
  }
}
