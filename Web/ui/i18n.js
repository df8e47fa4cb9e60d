// Strings live in locales/<lang>.json; the language comes from ?lang=, then the browser, then Korean.
let strings = {};

export async function loadLocale() {
  const wanted = new URLSearchParams(location.search).get("lang") || (navigator.language || "ko").slice(0, 2);
  const lang = ["ko", "en"].includes(wanted) ? wanted : "ko";
  strings = await (await fetch(`locales/${lang}.json`)).json();
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  return lang;
}

export function t(key, values = {}) {
  let s = strings[key] ?? key;
  for (const [k, v] of Object.entries(values)) s = s.replaceAll(`{${k}}`, v);
  return s;
}
