// Strings live in locales/<lang>.json; the language comes from ?lang=, then the browser, then Korean.
// A string that depends on a count has one key per CLDR plural category (`people_one`, `people_other`);
// `t` picks the form for `values.count`. Texts that come from the server in both languages (`{ko, en}`) and instants
// are shown in the page's language too.

/** @type {Record<string, string>} */
let strings = {};
let plurals = new Intl.PluralRules("ko");

/**
 * Uses `table` as the strings of `lang` (loadLocale does this; tests call it directly).
 * @param {string} lang
 * @param {Record<string, string>} table
 */
export function useStrings(lang, table) {
  strings = table;
  plurals = new Intl.PluralRules(lang);
}

/** Loads the page's language, translates every `data-i18n` text and `data-i18n-label` aria-label, and returns it. */
export async function loadLocale() {
  const wanted = new URLSearchParams(location.search).get("lang") || (navigator.language || "ko").slice(0, 2);
  const lang = ["ko", "en"].includes(wanted) ? wanted : "ko";
  useStrings(lang, await (await fetch(`locales/${lang}.json`)).json());
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(/** @type {HTMLElement} */ (el).dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(/** @type {HTMLElement} */ (el).dataset.i18nLabel));
  }
  return lang;
}

/**
 * The string for `key` with each `{name}` replaced by `values.name`. When `values.count` is a number, the plural
 * form `key_<category>` is used where the locale has it (then `key_other`, then `key`).
 * @param {string} key
 * @param {Record<string, string | number | undefined>} [values]
 * @returns {string}
 */
export function t(key, values = {}) {
  const plural = typeof values.count === "number"
    ? strings[`${key}_${plurals.select(values.count)}`] ?? strings[`${key}_other`] : undefined;
  let s = plural ?? strings[key] ?? key;
  for (const [k, v] of Object.entries(values)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/**
 * A `{ko, en}` text in `lang`, else in the other language.
 * @param {Partial<{ ko: string, en: string }> | null | undefined} text
 * @param {string} lang
 */
export function localized(text, lang) {
  if (!text) return "";
  return text[lang] || text.ko || text.en || "";
}

/**
 * An instant as the reader's clock shows it: the day and the time; the text itself when it is no instant.
 * @param {string | undefined} iso
 * @param {string} lang
 */
export function formatInstant(iso, lang) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return iso ?? "";
  return date.toLocaleString(lang, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/**
 * Wires a <select> of languages: shows the current one and reloads the page in the chosen one.
 * @param {HTMLSelectElement} select
 * @param {string} lang
 */
export function languageSwitch(select, lang) {
  select.value = lang;
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("lang", select.value);
    location.href = url.toString();
  });
}
