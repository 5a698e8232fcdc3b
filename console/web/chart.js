// Small SVG charts of CPU use over time, drawn by hand (no library).

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

// The top of the scale: the first of these at or above the highest value.
const STEPS = [5, 10, 25, 50, 100, 200, 400, 800, 1600, 3200];

// An area chart of points [{t, v}] (v in percent of one CPU) over the last
// spanMs, in an SVG of width × height.  The scale is the step above the
// highest value, written at its top line, so a quiet service's chart is
// readable and a busy one's does not clip.
export function sparkline(points, { width = 200, height = 36, spanMs = 5 * 60 * 1000 } = {}) {
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'spark', role: 'img' });
  const now = Date.now();
  const high = Math.max(0, ...points.map((p) => p.v));
  const max = STEPS.find((s) => s >= high) || high;
  const x = (t) => width - ((now - t) / spanMs) * width;
  const y = (v) => height - 1 - (v / max) * (height - 5);
  svg.appendChild(el('line', { x1: 0, x2: width, y1: y(max), y2: y(max), class: 'spark-ref' }));
  const label = el('text', { x: 2, y: y(max) + 9, class: 'spark-label' });
  label.textContent = `${max} %`;
  svg.appendChild(label);
  const shown = points.filter((p) => now - p.t <= spanMs);
  if (shown.length >= 2) {
    let d = `M ${x(shown[0].t).toFixed(1)} ${height}`;
    for (const p of shown) d += ` L ${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)}`;
    d += ` L ${x(shown[shown.length - 1].t).toFixed(1)} ${height} Z`;
    svg.appendChild(el('path', { d, class: 'spark-area' }));
    let line = '';
    shown.forEach((p, i) => { line += `${i ? 'L' : 'M'} ${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)} `; });
    svg.appendChild(el('path', { d: line, class: 'spark-line' }));
  }
  const title = el('title', {});
  const last = shown.length ? shown[shown.length - 1].v : 0;
  title.textContent = `CPU over the last ${Math.round(spanMs / 60000)} minutes; now ${last.toFixed(1)} %`;
  svg.appendChild(title);
  return svg;
}
