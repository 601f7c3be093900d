/** Reports progress of long work. Messages go to stderr, never stdout (which may carry JSON). */
export type Progress = (message: string) => void;

/**
 * A progress reporter that writes timestamped lines to `stream` when it is a terminal (or when
 * `SEGTRACK_PROGRESS=1`), and stays silent otherwise so logs and pipes stay clean.
 */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Progress {
  const on = stream.isTTY === true || process.env['SEGTRACK_PROGRESS'] === '1';
  if (!on) return () => undefined;
  const start = Date.now();
  return (message: string) => {
    const s = ((Date.now() - start) / 1000).toFixed(1).padStart(5);
    stream.write(`[${s}s] ${message}\n`);
  };
}
