/**
 * An open-loop load at a fixed rate, requests evenly spaced, for the latency windows of
 * `npm run bench`. autocannon's `overallRate` is no fit: each connection sends its quota for the
 * second back to back as soon as the second starts, then idles, so its "fixed rate" is a burst at
 * saturation once a second and its p99 measures the burst's queue. Here a request leaves when it
 * is due whether or not earlier ones have come back, and its latency counts from when it was due —
 * a request the client could not send on time (coordinated omission) is charged to the server.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PacedResult {
  rps: number;
  /** Every request's latency (ms), for percentiles over several windows together. */
  latencies: number[];
  /** What went wrong with each failed request (`HTTP 503`, `ECONNRESET`), so a table can say more than a count. */
  errors: string[];
}

export async function paced(port: number, headers: Record<string, string>, body: string, rate: number, seconds: number): Promise<PacedResult> {
  // Enough sockets that the client never holds a due request back; keep-alive as autocannon's connections.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  const errors: string[] = [];
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors.push(`HTTP ${res.statusCode}`);
          latencies.push(performance.now() - due);
          resolve();
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        errors.push(e.code ?? e.message);
        resolve();
      });
      req.end(body);
    });
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(due));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: latencies.length / elapsed, latencies, errors };
}
