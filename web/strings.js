// The page's strings: t("key", {params}) in the current language. The strings themselves are one
// file per language (strings/en.js, strings/fr.js); a missing French string falls back to
// English, a missing key shows the key (and fails the e2e check).

import { en } from "./strings/en.js";
import { fr } from "./strings/fr.js";

/** The languages offered, by code, with their own name for the switch. */
export const LANGUAGES = { en: "English", fr: "Français" };

const tables = { en, fr };
let current = "en";

/** Sets the language used by `t` ("en" or "fr"). */
export function setLanguage(lang) {
  current = lang in tables ? lang : "en";
  document.documentElement.lang = current;
}

/** The language in use. */
export function language() {
  return current;
}

/** The string `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const template = tables[current][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Keys of each language, for the test that every English string has a French one. */
export function keys(lang) {
  return Object.keys(tables[lang] ?? {});
}

/**
 * As `t`, for a count `n` (passed as the `{n}` placeholder): `KEY.one` where the language puts
 * `n` in the singular (1 in English; 0 and 1 in French), else `KEY`. `params.n` may give the
 * number as shown (formatted).
 */
export function tn(key, n, params = {}) {
  const singular = new Intl.PluralRules(current).select(n) === "one" && `${key}.one` in tables[current];
  return t(singular ? `${key}.one` : key, { n, ...params });
}
