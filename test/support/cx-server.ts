import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '@cx/settings';
import { createServer } from '../../apps/server/src/server';

export const KEYS = { ingest: 'test-ingest-key', analyst: 'test-analyst-key', ops: 'test-ops-key', all: 'test-all-key' };
const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops,${KEYS.all}=ingest+analyst+ops`;

export interface RunningServer {
  url: string;
  app: NestFastifyApplication;
  dataDir: string;
  close(): Promise<void>;
}

/** The real server, in this process, on a free port, with a fresh data folder unless one is given. */
export async function startServer(env: Partial<Record<string, string>> = {}): Promise<RunningServer> {
  const dataDir = env.CX_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'cx-e2e-'));
  const settings = loadSettings({ CX_API_KEYS: API_KEYS, LOG_LEVEL: 'silent', ...env, CX_DATA_DIR: dataDir, PORT: '0' });
  const app = await createServer(settings, { logs: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    url,
    app,
    dataDir,
    close: async () => {
      await app.close();
      if (!env.CX_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small client over fetch: JSON in, JSON (or text) out. */
export function client(baseUrl: string, key?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: isJson && text ? JSON.parse(text) : text, headers: response.headers };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
  };
}
