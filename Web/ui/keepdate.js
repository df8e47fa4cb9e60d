// The player's choice to keep each stamp's date (docs/missions.md, §3): off unless chosen, remembered in this browser
// only, and shown as the "keep the date" checkbox of the mission panel and the on-site page.

const KEEP_DATE_KEY = "bitgoeul.missions.keepDate";

/** Whether stamps are kept with their date. */
export function keepDate() {
  try { return localStorage.getItem(KEEP_DATE_KEY) === "1"; } catch { return false; }
}

/** @param {boolean} keep */
export function setKeepDate(keep) {
  try { localStorage.setItem(KEEP_DATE_KEY, keep ? "1" : "0"); } catch { /* private mode: not remembered */ }
}
