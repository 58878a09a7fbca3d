import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_BOT, type TestEnvironment } from '@agent-bridge/testing';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'bridge', 'src', 'main.js');

/** The bridge as a real OS process (`npm start`'s entry point), for restart tests. */
export class BridgeProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(private readonly env: Record<string, string>) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
  }

  /** A bridge on the test file's own database and Redis prefix, as the sandbox bot's service; `extra` adds the provider's settings. */
  static forTest(env: TestEnvironment, port: string, extra: Record<string, string>): BridgeProcess {
    return new BridgeProcess({
      PORT: port,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_KEY_PREFIX: env.keyPrefix,
      KORE_CLIENT_ID: TEST_BOT.clientId,
      KORE_CLIENT_SECRET: TEST_BOT.clientSecret,
      LOG_LEVEL: 'warn',
      ...extra,
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bridge did not start within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const check = (): void => {
        if (this.output.includes('agent-bridge listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bridge exited with ${code} while starting:\n${this.output}`));
      });
    });
  }

  /** SIGTERM: the graceful stop an orchestrator sends; resolves when the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    this.child = null;
    return code;
  }

  /** The running process's id (null when stopped): the same id before and after proves no restart. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  logs(): string {
    return this.output;
  }
}
