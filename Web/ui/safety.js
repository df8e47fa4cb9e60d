// A citizen's safety page: who they blocked, muted or befriended (with undo), the reports they
// filed and their outcome, notices, and every moderation action concerning them.
import { api } from "../net/api.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

function list(items, render) {
  if (!items.length) return element("p", { textContent: t("none") });
  return element("ul", {}, ...items.map((item) => element("li", {}, ...render(item))));
}

const when = (iso) => new Date(iso).toLocaleString(document.documentElement.lang);

/** Fills `section` with the signed-in account's safety settings and history. */
export async function showSafety(section) {
  const [blocks, mutes, friends, reports, notices, about, roles] = await Promise.all([
    api("GET", "/api/v1/blocks"), api("GET", "/api/v1/mutes"), api("GET", "/api/v1/friends"),
    api("GET", "/api/v1/reports"), api("GET", "/api/v1/notices"), api("GET", "/api/v1/moderation/about-me"),
    api("GET", "/api/v1/roles"),
  ]);
  const undo = (path) => element("button", {
    type: "button", textContent: t("undo"),
    onclick: async () => { await api("DELETE", path); await showSafety(section); },
  });
  const entries = (items, base) => list(items, (e) => [`${e.name} `, undo(`${base}/${e.id}`)]);
  const parts = [
    element("h2", { id: "safety-title", textContent: t("safetyTitle") }),
    element("h3", { textContent: t("blocks") }), entries(blocks.items, "/api/v1/blocks"),
    element("h3", { textContent: t("mutes") }), entries(mutes.items, "/api/v1/mutes"),
    element("h3", { textContent: t("friends") }),
    entries([...friends.friends, ...friends.incoming, ...friends.outgoing], "/api/v1/friends"),
    element("h3", { textContent: t("myReports") }),
    list(reports.reports, (r) => [`#${r.id} ${r.reportedName} · ${t(`cat_${r.category}`)} · ${t(`status_${r.status}`)}`,
      r.outcome ? ` — ${r.outcome}` : ""]),
    element("h3", { textContent: t("notices") }),
    list(notices.notices, (n) => [`${when(n.createdAt)} · ${n.text}`]),
    element("h3", { textContent: t("aboutMe") }),
    list(about.actions, (a) => [`${when(a.at)} · ${t(`act_${a.kind}`)} · ${a.space} · ${a.reason}`]),
  ];
  if (Object.values(roles.roles).some((r) => r === "moderator" || r === "owner")) {
    parts.push(element("p", {}, element("a", { href: "moderation.html", textContent: t("moderation") })));
  }
  // Curators (and owners) write the missions of their spaces.
  if (Object.values(roles.roles).some((r) => r === "curator" || r === "owner")) {
    parts.push(element("p", {}, element("a", { href: "missions.html", textContent: t("editorLink") })));
  }
  section.replaceChildren(...parts);
  section.hidden = false;
}
