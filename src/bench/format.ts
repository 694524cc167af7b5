// Number formatting shared by the progress line, the summary and the HTML report.

/** 1234567 → "1.23 M", 12345 → "12.3 k". */
export function si(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(2)} k`;
  return `${Math.round(n)} `;
}

export function ms(n: number): string {
  if (n >= 100) return `${n.toFixed(0)} ms`;
  if (n >= 1) return `${n.toFixed(2)} ms`;
  return `${(n * 1000).toFixed(0)} µs`;
}

export function seconds(msValue: number): string {
  return `${(msValue / 1000).toFixed(1)} s`;
}
