// The curators' mission editor (docs/missions.md, §1 and §4): the missions there are, a mission's full file opened
// for editing (curators and owners of its spaces only), a new one from a template, the form with the raw JSON kept in
// step, and Save. A refused mission shows the field the server names and its reason next to the form, its control
// marked.
import { token } from "../net/api.js";
import { listMissions, missionSource, saveMission } from "../net/missions.js";
import { byId, element } from "../ui/dom.js";
import { errorText } from "../ui/errors.js";
import { languageSwitch, loadLocale, localized, t } from "../ui/i18n.js";
import { MissionForm } from "../ui/missioneditor.js";
import { fieldError } from "../ui/missionfields.js";
import { openText } from "../ui/missionstatus.js";
import { missionTemplate } from "../ui/missiontemplates.js";

const lang = await loadLocale();
languageSwitch(byId("lang", "select"), lang);
const status = byId("status", "p");
const section = byId("editor-section", "section");
const problem = byId("editor-error", "p");
const saved = byId("editor-saved", "span");
/** Who may not open or save a mission, in the editor's words. */
const EDITOR_ERRORS = { not_allowed: "notCurator", unauthorized: "signInFirst" };

/**
 * @param {string} text
 * @param {boolean} [error]
 */
function say(text, error = false) {
  status.textContent = text;
  status.className = error ? "error" : "";
}

const world = await fetch("/api/v1/world").then((res) => (res.ok ? res.json() : { regions: [] })).catch(() => ({ regions: [] }));
const form = new MissionForm(byId("editor-fields", "div"), byId("editor-json", "textarea"), byId("editor-json-note", "p"),
  world.regions.flatMap((r) => r.spaces));

/** @param {import("../net/missions.js").Mission} mission */
function edit(mission) {
  form.set(mission);
  problem.textContent = "";
  saved.textContent = "";
  section.hidden = false;
  section.scrollIntoView({ block: "start" });
}

/** Opens mission `id` from its source: a curator's or an owner's of the spaces it uses. @param {string} id */
async function open(id) {
  if (!token()) { say(t("signInFirst"), true); return; }
  try {
    edit(await missionSource(id));
    say("");
  } catch (error) {
    say(errorText(error, EDITOR_ERRORS), true);
  }
}

async function showList() {
  try {
    const missions = await listMissions();
    byId("missions", "ul").replaceChildren(...missions.map((m) => {
      const button = element("button", { type: "button", textContent: t("editorOpen"), dataset: { mission: m.id } });
      button.addEventListener("click", () => open(m.id));
      return element("li", {}, element("strong", { textContent: localized(m.title, lang) }),
        ` (${m.id})${t("listSeparator")}${openText(m, lang)} `,
        button, " ", element("a", { href: `play.html?mission=${encodeURIComponent(m.id)}`, textContent: t("missionPlayOnSite") }));
    }));
    if (!missions.length) byId("missions", "ul").replaceChildren(element("li", { textContent: t("missionNone") }));
  } catch (error) {
    say(errorText(error), true);
  }
}

byId("new-mission", "button").addEventListener("click", () => edit(missionTemplate()));
byId("editor-form", "form").addEventListener("submit", async (e) => {
  e.preventDefault();
  problem.textContent = "";
  saved.textContent = "";
  if (!token()) { problem.textContent = t("signInFirst"); return; }
  const mission = form.value();
  try {
    const created = await saveMission(mission);
    saved.textContent = t(created ? "editorCreated" : "editorSaved", { id: mission.id });
    saved.className = "ok";
    await showList();
  } catch (error) {
    const invalid = fieldError(error);
    if (invalid) {
      // The reason is the server's own words (it has no code of its own), shown in the page's frame.
      problem.textContent = invalid.field ? t("editorFieldRefused", { field: invalid.field, reason: invalid.reason })
        : t("serverSaid", { message: invalid.reason });
      form.mark(invalid.field);
    } else {
      problem.textContent = errorText(error, EDITOR_ERRORS);
    }
  }
});

await showList();
const wanted = new URLSearchParams(location.search).get("mission");
if (wanted) await open(wanted);
else if (!token()) say(t("signInFirst"));
