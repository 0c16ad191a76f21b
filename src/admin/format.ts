// How command results are written for humans.

export function iso(date: Date): string {
  return date.toISOString();
}

/** `2026-11-21T10:00:00Z`: seconds are enough in tables. */
export function shortIso(isoDate: string): string {
  return isoDate.replace(/\.\d{3}Z$/, 'Z');
}

export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return lines(render(header), ...rows.map(render));
}
