// Numbers, sizes and durations in the reader's language.

import { language } from "./strings.js";

function locale() {
  return language() === "fr" ? "fr-FR" : "en-US";
}

/** Formatters made once per language and options: making one costs far more than using it. */
const formatters = new Map();

/** The NumberFormat of the reader's language with `options`, named `key` in the cache. */
function formatter(key, options) {
  const name = `${locale()} ${key}`;
  let f = formatters.get(name);
  if (!f) {
    f = new Intl.NumberFormat(locale(), options);
    formatters.set(name, f);
  }
  return f;
}

/** An integer with thousands separators ("1,017,209" / "1 017 209"). */
export function int(n) {
  return formatter("int", { maximumFractionDigits: 0 }).format(n);
}

/** A number with up to `digits` significant digits, for means and ranges. */
export function num(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return x.toExponential(2);
  return formatter(`num${digits}`, { maximumSignificantDigits: digits }).format(x);
}

/** A share as a percentage ("12.5%"). */
export function percent(share) {
  const digits = share > 0 && share < 0.01 ? 2 : 1;
  return formatter(`percent${digits}`, { style: "percent", maximumFractionDigits: digits }).format(share);
}

/** A size in decimal units as file browsers show them ("38.2 MB"). */
export function bytes(n) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  const f = formatter(`fixed${digits}`, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${f.format(value)} ${units[unit]}`;
}

/** A duration in seconds with two decimals ("0.41"), for times read to the hundredth. */
export function seconds(s) {
  return formatter("fixed2", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(s);
}
