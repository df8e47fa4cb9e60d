// The menu on another person (from their name tag or the presence list): mute, block, report,
// ask to be friends. Everything is decided by the server; this only asks.
import { RELATE, REPORT_CATEGORIES } from "../net/protocol.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

/** @type {HTMLDialogElement | null} */
let dialog = null;

function ensureDialog() {
  if (dialog) return dialog;
  dialog = element("dialog", { id: "person-menu" });
  dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
  document.body.append(dialog);
  return dialog;
}

/** Opens the menu for `person` ({id, name}); `send` sends one client message. */
export function openPersonMenu(person, send) {
  const d = ensureDialog();
  const title = element("h2", { id: "person-menu-title", textContent: t("personMenu", { name: person.name }) });
  d.setAttribute("aria-labelledby", title.id);
  const act = (action) => () => { send({ type: "relate", action, entityId: person.id }); d.close(); };
  const buttons = element("div", { className: "menu-actions" },
    element("button", { type: "button", textContent: t("mute"), onclick: act(RELATE.mute), dataset: { action: "mute" } }),
    element("button", { type: "button", textContent: t("unmute"), onclick: act(RELATE.unmute), dataset: { action: "unmute" } }),
    element("button", { type: "button", textContent: t("block"), onclick: act(RELATE.block), dataset: { action: "block" } }),
    element("button", { type: "button", textContent: t("befriend"), onclick: act(RELATE.friend), dataset: { action: "friend" } }),
    element("button", { type: "button", textContent: t("report"), onclick: () => openReport(person, send), dataset: { action: "report" } }),
    element("button", { type: "button", textContent: t("close"), onclick: () => d.close() }));
  d.replaceChildren(title, buttons);
  if (!d.open) d.showModal();
  buttons.querySelector("button").focus();
}

/** The report form: category, a note, and "also block" (report-and-block is one action). */
function openReport(person, send) {
  const d = ensureDialog();
  const title = element("h2", { id: "report-title", textContent: t("reportTitle", { name: person.name }) });
  d.setAttribute("aria-labelledby", title.id);
  const category = element("select", { id: "report-category" },
    ...REPORT_CATEGORIES.map((c, i) => element("option", { value: String(i), textContent: t(`cat_${c}`) })));
  const note = element("textarea", { id: "report-note", maxLength: 500, rows: 3 });
  const block = element("input", { id: "report-block", type: "checkbox" });
  const form = element("form", { method: "dialog" },
    element("label", { htmlFor: category.id, textContent: t("report") }), category,
    element("label", { htmlFor: note.id, textContent: t("reportNote") }), note,
    element("label", {}, block, ` ${t("reportAlsoBlock")}`),
    element("p", { className: "hint", textContent: t("reportEvidence") }),
    element("div", { className: "menu-actions" },
      element("button", { type: "submit", id: "report-send", textContent: t("reportSend") }),
      element("button", { type: "button", textContent: t("cancel"), onclick: () => d.close() })));
  form.addEventListener("submit", () => {
    send({ type: "report", entityId: person.id, category: Number(category.value), block: block.checked, note: note.value.trim() });
  });
  d.replaceChildren(title, form);
  if (!d.open) d.showModal();
  category.focus();
}
