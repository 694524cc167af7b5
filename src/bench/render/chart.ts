// Line charts as standalone SVG, written by hand: two chart kinds do not justify a plotting
// library, and plain SVG opens in any browser, embeds in HTML and diffs in review.
// Every series is a polyline with a title, so its numbers can be read from the file itself.

export interface Series {
  label: string;
  points: Array<[number, number]>;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Logarithmic y axis (latency tails span decades). */
  logY?: boolean;
  /** Tick labels for x values (categorical axes such as percentiles). */
  xTicks?: Array<{ x: number; label: string }>;
  /** Start the x axis here (time axes start at 0 although the first sample ends later). */
  xMin?: number;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const M = { left: 70, right: 20, top: 36, bottom: 46 };

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function niceStep(range: number, count: number): number {
  const raw = range / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
}

/** The first round tick at or above `max`. */
function niceMax(max: number): number {
  const step = niceStep(max, 5);
  return Math.ceil(max / step) * step;
}

function niceTicks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const step = niceStep(max - min, count);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** The chart as an <svg> element (no XML prolog), placed at (x, y) when embedded in a larger image. */
export function lineChart(spec: ChartSpec, x = 0, y = 0): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 320;
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((v) => !spec.logY || v > 0);
  const xMin = spec.xMin ?? (xs.length ? Math.min(...xs) : 0);
  const xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = spec.logY ? (ys.length ? Math.min(...ys) : 1) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (spec.logY) {
    yMin = 10 ** Math.floor(Math.log10(yMin));
    yMax = 10 ** Math.ceil(Math.log10(yMax));
    if (yMax <= yMin) yMax = yMin * 10;
  } else {
    // Headroom up to the next round tick, so the highest line does not run along the frame.
    yMax = niceMax(yMax > 0 ? yMax : 1);
  }
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const sx = (v: number) => M.left + (xMax > xMin ? ((v - xMin) / (xMax - xMin)) * plotW : plotW / 2);
  const sy = spec.logY
    ? (v: number) => M.top + plotH - ((Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH
    : (v: number) => M.top + plotH - (v / yMax) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" x="${x}" y="${y}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`);
  const yTicks = spec.logY ? decades(yMin, yMax) : niceTicks(0, yMax);
  for (const t of yTicks) {
    const ty = sy(t);
    out.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${(ty + 4).toFixed(1)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  const xTicks = spec.xTicks ?? niceTicks(xMin, xMax).map((v) => ({ x: v, label: formatTick(v) }));
  for (const t of xTicks) {
    const tx = sx(t.x);
    out.push(`<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}" stroke="#333"/>`);
    out.push(`<text x="${tx.toFixed(1)}" y="${M.top + plotH + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${M.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  spec.series.forEach((s, i) => {
    const pts = s.points.filter((p) => !spec.logY || p[1] > 0).map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`);
    out.push(`<polyline class="series" data-label="${escapeXml(s.label)}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(' ')}"><title>${escapeXml(s.label)}</title></polyline>`);
  });
  // The legend on a translucent box, drawn last so lines never hide it.
  const legendW = 16 + 6.5 * Math.max(0, ...spec.series.map((s) => s.label.length));
  if (spec.series.length > 0) out.push(`<rect x="${M.left + 4}" y="${M.top + 4}" width="${legendW.toFixed(0)}" height="${spec.series.length * 14 + 6}" fill="#fff" fill-opacity="0.85" stroke="#ccc"/>`);
  spec.series.forEach((s, i) => {
    const ly = M.top + 18 + i * 14;
    out.push(`<rect x="${M.left + 8}" y="${ly - 6}" width="12" height="3" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${M.left + 24}" y="${ly - 1}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function decades(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let v = min; v <= max * 1.0001; v *= 10) ticks.push(v);
  return ticks;
}
