export interface ProgressSink {
  update(done: number, total: number): void;
  finish(done: number): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A progress bar with throughput and ETA on a terminal; on a pipe or a CI log, one plain line
 * every two seconds instead of a redraw per frame.
 */
export function progressBar(
  label: string,
  unit: string,
  out: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ProgressSink {
  const started = now();
  let lastDraw = 0;
  const tty = Boolean(out.isTTY);
  const line = (done: number, total: number) => {
    const seconds = Math.max((now() - started) / 1000, 1e-3);
    const rate = done / seconds;
    const share = total > 0 ? Math.min(done / total, 1) : 1;
    const width = 24;
    const bar = `${'#'.repeat(Math.round(share * width))}${'-'.repeat(width - Math.round(share * width))}`;
    const eta = rate > 0 && total > done ? ` ETA ${Math.ceil((total - done) / rate)}s` : '';
    return `${label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${fmt(done)}/${fmt(total)} ${unit} ${fmt(rate)} ${unit}/s${eta}`;
  };
  return {
    update(done, total) {
      const t = now();
      if (t - lastDraw < (tty ? 100 : 2000)) return;
      lastDraw = t;
      out.write(tty ? `\r${line(done, total)}\x1b[K` : `${line(done, total)}\n`);
    },
    finish(done) {
      out.write(`${tty ? '\r' : ''}${line(done, done)}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}
