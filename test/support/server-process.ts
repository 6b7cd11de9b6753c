import { ChildProcess, execFile, spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateSigningKey, SigningKey } from '../../src/auth/dev-keys';
import { mintToken } from '../../src/auth/mint-token';
import { Organisation, Professional } from '../../src/entities';
import { StaffRole } from '../../src/entities/enums';
import { TEST_AUDIENCE, TEST_ISSUER } from './test-app';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Compiles the server (as `npm run build` does, with the project's .swcrc) into a directory of
 * this test file's own under `.data/`, so test files running in parallel never read a
 * half-written `dist/`, and `dist/` itself is left alone. Returns the entry point
 * (`<dir>/src/main.js`) and a function that removes the build.
 */
export async function buildServer(): Promise<{ main: string; remove(): void }> {
  mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.data', 'test-build-'));
  await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/swc'), ['src', 'migrations', '-d', dir, '-q'], { cwd: ROOT });
  return { main: path.join(dir, 'src/main.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  key: SigningKey;
  /** A token for a staff member of `org` with a multi-factor login, trusted by this server. */
  staffToken(org: Organisation, role: StaffRole | `${StaffRole}`, who: Professional): Promise<string>;
  /** Everything the process wrote so far (JSON log lines). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running, and remove the temporary files. */
  kill(): Promise<void>;
}

/**
 * `node <main>` as in production: DATABASE_URL given (migrations skipped, no demo data), trusted
 * keys from a JWKS file, a fixed access-log key, PORT=0 (the port is read from the
 * "Kluis is listening" log line).
 */
export async function startServerProcess(main: string, databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const key = await generateSigningKey();
  const dataDir = mkdtempSync(path.join(ROOT, '.data', 'test-server-'));
  const jwksFile = path.join(dataDir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.publicJwk] }));
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWKS_FILE: jwksFile,
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      PORT: '0',
      HOST: '127.0.0.1',
      MIGRATIONS: 'skip',
      SEED_DEMO: '0',
      AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
      KLUIS_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // The tests fire hundreds of requests with one token in a few seconds.
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 15 s:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"[^\n]*"msg":"Kluis is listening"/.exec(out);
      if (url) {
        clearTimeout(timer);
        resolve(url[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    child,
    base,
    key,
    staffToken: (org, role, who) => mintToken(key, { sub: who.subject, role, org: org.id, amr: ['pwd', 'otp'] }, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
  /** Milliseconds from sending to the end of the response. */
  ms: number;
}

/**
 * One HTTP request with node:http (a new connection unless an `agent` says otherwise). Rejects
 * on a connection error, and after `timeoutMs` without a complete response — a hang fails the
 * test instead of stalling it.
 */
export function httpRequest(
  base: string,
  method: 'GET' | 'POST',
  pathname: string,
  opts: { body?: unknown; token?: string; agent?: http.Agent | false; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const started = Date.now();
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(pathname, base), {
      method,
      agent: opts.agent ?? false,
      headers: {
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${opts.timeoutMs ?? 10_000} ms`)), opts.timeoutMs ?? 10_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, body, ms: Date.now() - started });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(payload);
  });
}

/** POST /graphql. */
export function gqlRequest(base: string, query: string, variables: Record<string, unknown>, token?: string, opts: { agent?: http.Agent | false; timeoutMs?: number } = {}): Promise<HttpResult> {
  return httpRequest(base, 'POST', '/graphql', { body: { query, variables }, token, ...opts });
}
