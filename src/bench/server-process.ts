import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { segtrackBin } from './segtrack-process.js';

/** Settings of {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** The config `segtrack serve` reads (its workspace is served). */
  config: string;
  /** `--memory-limit` for the server's engine (default: DuckDB's). */
  memoryLimit?: string | undefined;
  /** Extra environment, e.g. `{SEGTRACK_TRACE: '1'}` for the SQL timings in the log. */
  env?: Record<string, string>;
  /** Where the server's stderr goes (its start-up lines, errors, traces); default: kept in memory. */
  logFile?: string | undefined;
  /** Give up when it is not listening within this long (default 120 s). */
  startTimeoutMs?: number;
}

/** A running `segtrack serve`. */
export interface ServerProcess {
  /** `http://127.0.0.1:PORT`. */
  baseUrl: string;
  pid: number;
  /**
   * The server's peak resident memory so far in MB (Linux's VmHWM), or null where /proc is not
   * available. Read it before {@link ServerProcess.stop}.
   */
  peakRssMb(): number | null;
  /** Sends SIGTERM and resolves with the exit code once it has stopped (SIGKILL after 30 s). */
  stop(): Promise<number | null>;
}

/**
 * Starts the real server — `segtrack serve --port 0` as its own process, as it runs in use — and
 * resolves once it prints the address it listens on (`  dashboard: http://127.0.0.1:PORT/`), so a
 * benchmark measures the server and not an in-process stand-in sharing the load generator's event
 * loop.
 */
export function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const args = [segtrackBin(), 'serve', '--config', o.config, '--host', '127.0.0.1', '--port', '0'];
  if (o.memoryLimit !== undefined) args.push('--memory-limit', o.memoryLimit);
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...o.env },
  });
  const log = o.logFile !== undefined ? createWriteStream(o.logFile) : undefined;
  let head = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      log?.end();
      return code;
    }
    log?.end();
    return child.exitCode;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`segtrack serve did not start within ${o.startTimeoutMs ?? 120_000} ms: ${head}`));
    }, o.startTimeoutMs ?? 120_000);
    let listening = false;
    child.stderr.on('data', (c: Buffer) => {
      log?.write(c);
      if (listening) return;
      // Only the start-up lines are kept in memory: a traced server writes a line per statement.
      head += c.toString('utf8');
      const m = /dashboard: (http:\/\/\S+?)\/?\s/.exec(head);
      if (!m) return;
      listening = true;
      clearTimeout(timer);
      resolve({ baseUrl: m[1]!, pid: child.pid!, peakRssMb: () => peakRss(child.pid!), stop });
    });
    void exited.then((code) => {
      if (listening) return;
      clearTimeout(timer);
      reject(new Error(`segtrack serve exited with ${code} before listening: ${head.trim()}`));
    });
  });
}

/** VmHWM of a process from /proc, in MB. */
function peakRss(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
