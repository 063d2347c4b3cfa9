// docs/bench.svg for npm run bench: median wall time against N at one latency, a line per series,
// and single points for the baselines (measured at one N only).

/**
 * @param {{
 *   title: string,
 *   sizes: number[],
 *   lines: Array<{ label: string, color: string, dash?: string, points: Array<[number, number]> }>,
 *   points: Array<{ label: string, color: string, n: number, ms: number }>,
 * }} chart
 */
export function benchChart({ title, sizes, lines, points }) {
  const width = 900;
  const height = 360;
  // The legend stands right of the plot, where no point can fall on it.
  const pad = { left: 60, right: 340, top: 30, bottom: 45 };
  const legendX = width - pad.right + 20;
  const maxN = Math.max(...sizes);
  const maxY = Math.max(1, ...lines.flatMap((l) => l.points.map(([, ms]) => ms)), ...points.map((p) => p.ms)) * 1.1;
  const x = (n) => pad.left + (n / maxN) * (width - pad.left - pad.right);
  const y = (ms) => height - pad.bottom - (ms / maxY) * (height - pad.top - pad.bottom);
  const legend = (row, color, label, mark) =>
    `${mark(legendX + 12, pad.top + 14 + row * 18)}<text x="${legendX + 30}" y="${pad.top + 18 + row * 18}" fill="${color}" font-size="12">${escape(label)}</text>`;
  const series = lines.map(
    ({ label, color, dash, points: pts }, row) =>
      `<polyline fill="none" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.map(([n, ms]) => `${x(n).toFixed(1)},${y(ms).toFixed(1)}`).join(' ')}"/>` +
      pts.map(([n, ms]) => `<circle cx="${x(n).toFixed(1)}" cy="${y(ms).toFixed(1)}" r="3.5" fill="${color}"/>`).join('') +
      legend(
        row,
        color,
        label,
        (cx, cy) =>
          `<line x1="${cx - 12}" x2="${cx + 12}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      ),
  );
  const marks = points.map(
    ({ label, color, n, ms }, i) =>
      `<rect x="${(x(n) - 4).toFixed(1)}" y="${(y(ms) - 4).toFixed(1)}" width="8" height="8" fill="${color}"/>` +
      legend(lines.length + i, color, label, (cx, cy) => `<rect x="${cx - 4}" y="${cy - 4}" width="8" height="8" fill="${color}"/>`),
  );
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const ms = maxY * f;
    return `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="#ddd"/><text x="${pad.left - 6}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end" font-size="11">${(ms / 1000).toFixed(2)} s</text>`;
  });
  const xTicks = sizes.map(
    (n) => `<text x="${x(n).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="11">${n}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad.left}" y="18" font-size="14">${escape(title)}</text>
${yTicks.join('\n')}
${xTicks.join('')}
<text x="${(pad.left + width - pad.right) / 2}" y="${height - 8}" text-anchor="middle" font-size="12">N stale deployments</text>
${series.join('\n')}
${marks.join('\n')}
</svg>
`;
}

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
