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

/** Wires a <select> of languages: shows the current one and reloads the page in the chosen one. */
export function languageSwitch(select, lang) {
  select.value = lang;
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("lang", select.value);
    location.href = url.toString();
  });
}
