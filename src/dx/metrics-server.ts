import express, { RequestHandler } from 'express';
import type { Server } from 'node:http';
import { AggregatorRegistry, Registry } from 'prom-client';

/**
 * A listener of its own for GET /metrics (METRICS_PORT): the API port then never serves metrics,
 * and the operator publishes this port only to the scraper. Nothing else is served on it.
 */
export async function startMetricsServer(port: number, host: string, serve: RequestHandler): Promise<{ port: number; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', serve);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  return {
    port: (server.address() as { port: number }).port,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Several worker processes (WEB_CONCURRENCY > 1, node:cluster): each worker answers the
 * primary's metric requests from its own registry ...
 */
export function shareWithClusterPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing an AggregatorRegistry in a worker installs prom-client's IPC listener.
  new AggregatorRegistry();
}

/** ... and the primary serves the sum over its workers (counters and histograms add up, pool gauges too). */
export function clusterMetricsHandler(): RequestHandler {
  const aggregator = new AggregatorRegistry();
  return async (_req, res) => {
    try {
      const text = await aggregator.clusterMetrics();
      res.setHeader('content-type', aggregator.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(text);
    } catch {
      res.status(503).type('text/plain').end('metrics of the workers are not available\n');
    }
  };
}
