// Small charts drawn on canvas: a column's histogram and the missingness map. Canvases keep the
// profile light on wide files (Bosch has 970 columns); the forecast and cluster views use uPlot.

/** Colours shared with the stylesheet (canvas cannot read CSS variables cheaply per cell). */
const INK = "#1f5f8b";
const MISSING = "#27323d";
const PRESENT = "#e8edf2";

/** Sizes `canvas` to `width` x `height` CSS pixels at the screen's resolution; returns its 2D context. */
export function sized(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  return ctx;
}

/** Draws bar heights `counts` (a histogram or top-value counts) into a new canvas. */
export function barsCanvas(counts, { width = 140, height = 34, label = "" } = {}) {
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const ctx = sized(canvas, width, height);
  const max = Math.max(1, ...counts);
  const step = width / Math.max(1, counts.length);
  ctx.fillStyle = INK;
  counts.forEach((count, i) => {
    if (count === 0) return;
    const barHeight = Math.max(1, (count / max) * (height - 2));
    ctx.fillRect(i * step + 0.5, height - barHeight, Math.max(1, step - 1), barHeight);
  });
  return canvas;
}

/**
 * Draws the missingness map (tabular::profile::MissingnessMap: sampled rows x columns, one bit per
 * cell, 1 = missing). When there are more columns than pixels, a pixel shows the share of
 * missing cells among the columns it covers.
 */
export function missingnessCanvas(map, { width = 1100, label = "" } = {}) {
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const rows = map.rows.length;
  const columns = map.columns;
  const cellWidth = Math.max(0.5, Math.min(24, width / Math.max(1, columns)));
  const drawWidth = Math.max(1, Math.round(Math.min(width, cellWidth * columns)));
  const cellHeight = rows > 0 ? Math.max(1, Math.min(4, 240 / rows)) : 1;
  const drawHeight = Math.max(1, Math.round(rows * cellHeight));
  const ctx = sized(canvas, drawWidth, drawHeight);
  const image = ctx.createImageData(drawWidth, drawHeight);
  // Per pixel column: the range of table columns it covers.
  const present = [0xe8, 0xed, 0xf2];
  const missing = [0x27, 0x32, 0x3d];
  for (let py = 0; py < drawHeight; py++) {
    const r = Math.min(rows - 1, Math.floor(py / cellHeight));
    const rowStart = r * map.row_bytes;
    for (let px = 0; px < drawWidth; px++) {
      const c0 = Math.floor((px * columns) / drawWidth);
      const c1 = Math.max(c0 + 1, Math.floor(((px + 1) * columns) / drawWidth));
      let miss = 0;
      for (let c = c0; c < c1; c++) {
        if ((map.bits[rowStart + (c >> 3)] >> (c & 7)) & 1) miss++;
      }
      const share = miss / (c1 - c0);
      const o = (py * drawWidth + px) * 4;
      for (let k = 0; k < 3; k++) image.data[o + k] = Math.round(present[k] + (missing[k] - present[k]) * share);
      image.data[o + 3] = 255;
    }
  }
  // putImageData ignores the context scale: draw at device resolution through a bitmap.
  const ratio = window.devicePixelRatio || 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (ratio === 1) {
    ctx.putImageData(image, 0, 0);
  } else {
    const off = new OffscreenCanvas(drawWidth, drawHeight);
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  }
  return canvas;
}

export { INK, MISSING, PRESENT };
