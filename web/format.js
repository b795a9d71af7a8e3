// Numbers, sizes and durations in the reader's language.

import { language } from "./strings.js";

function locale() {
  return language() === "fr" ? "fr-FR" : "en-US";
}

/** An integer with thousands separators ("1,017,209" / "1 017 209"). */
export function int(n) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(n);
}

/** A number with up to `digits` significant digits, for means and ranges. */
export function num(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return x.toExponential(2);
  return new Intl.NumberFormat(locale(), { maximumSignificantDigits: digits }).format(x);
}

/** A share as a percentage ("12.5%"). */
export function percent(share) {
  const digits = share > 0 && share < 0.01 ? 2 : 1;
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits }).format(share);
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
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** A duration in seconds with two decimals ("0.41"), for times read to the hundredth. */
export function seconds(s) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(s);
}
