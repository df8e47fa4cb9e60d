// The moderator queue: open reports of the spaces you moderate; the reporter's evidence opens one
// report at a time (each look goes into the transparency log the people concerned can read); and the actions (warn, mute, kick, suspend, ban, dismiss); every action is recorded with a reason.
import { api, token } from "../net/api.js";
import { byId, element } from "../ui/dom.js";
import { languageSwitch, loadLocale, t } from "../ui/i18n.js";

languageSwitch(byId("lang", "select"), await loadLocale());
const $ = (id) => document.getElementById(id);
const ACTIONS = ["warn", "mute", "kick", "suspend", "ban", "dismiss"];
const SVG = "http://www.w3.org/2000/svg";

function say(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

/** Positions in the evidence, relative to the reporter's last place: reporter, reported, others. */
function plot(positions) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "plot");
  svg.setAttribute("viewBox", "-16 -16 32 32");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("evidence"));
  const me = [...positions].reverse().find((p) => p.who === "reporter");
  if (!me) return svg;
  const colour = { reporter: "#7fd1ff", reported: "#ff8a7a" };
  for (const p of positions) {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", (p.x - me.x).toFixed(2));
    dot.setAttribute("cy", (me.y - p.y).toFixed(2));
    dot.setAttribute("r", p.agoS < 1 ? "0.7" : "0.35");
    dot.setAttribute("fill", colour[p.who] || "#8a96a8");
    dot.setAttribute("opacity", String(Math.max(0.25, 1 - p.agoS / 120)));
    svg.append(dot);
  }
  return svg;
}

function evidenceView(evidence) {
  const lines = evidence?.chat ?? [];
  const chat = element("table", {},
    ...lines.map((l) => element("tr", {},
      element("td", { textContent: t("secondsAgo", { seconds: l.agoS.toFixed(0) }) }),
      element("td", { textContent: l.name ?? l.who }),
      element("td", { textContent: l.text }))));
  return element("div", { className: "evidence" }, plot(evidence?.positions ?? []),
    lines.length ? chat : element("p", { textContent: t("none") }));
}

function reportCard(r) {
  const evidence = element("div", {});
  if (r.hasEvidence) {
    const open = element("button", { type: "button", id: `open-${r.id}`, textContent: t("openEvidence") });
    open.addEventListener("click", async () => {
      try {
        const full = await api("GET", `/api/v1/moderation/reports/${r.id}`);
        evidence.replaceChildren(evidenceView(full.evidence));
      } catch (error) { say(error.message, true); }
    });
    evidence.append(open, element("p", { className: "hint", textContent: t("evidenceLogged") }));
  } else {
    evidence.append(element("p", { textContent: t("none") }));
  }
  const kind = element("select", { id: `kind-${r.id}` },
    ...ACTIONS.map((a) => element("option", { value: a, textContent: t(`act_${a}`) })));
  const reason = element("input", { id: `reason-${r.id}`, type: "text", maxLength: 500, required: true });
  const duration = element("input", { id: `duration-${r.id}`, type: "number", min: 1, value: 3600 });
  const form = element("form", {},
    element("label", { htmlFor: kind.id, textContent: `${t("action")} ` }), kind,
    element("label", { htmlFor: reason.id, textContent: `${t("reason")} ` }), reason,
    element("label", { htmlFor: duration.id, textContent: `${t("durationS")} ` }), duration,
    element("button", { textContent: t("apply") }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api("POST", "/api/v1/moderation/actions",
        { reportId: r.id, kind: kind.value, reason: reason.value, durationS: Number(duration.value) });
      await load();
    } catch (error) { say(error.message, true); }
  });
  return element("article", { id: `report-${r.id}` },
    element("h2", { textContent: `#${r.id} · ${r.reportedName}${r.reportedIsGuest ? ` (${t("guest")})` : ""} · ${t(`cat_${r.category}`)} · ${r.space}` }),
    element("p", { textContent: r.note }),
    element("h3", { textContent: t("evidence") }), evidence, form);
}

async function load() {
  try {
    const { reports } = await api("GET", "/api/v1/moderation/reports?status=open");
    $("reports").replaceChildren(...(reports.length ? reports.map(reportCard) : [element("p", { textContent: t("none") })]));
    say("");
  } catch (error) {
    say(error.status === 403 ? t("notModerator") : error.message, true);
  }
}
// Without a session there is nothing to ask: the queue needs a moderator's sign-in.
if (token()) await load(); else say(t("signInFirst"), true);
