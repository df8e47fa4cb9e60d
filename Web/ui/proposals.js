// The space page's plans panel (docs/planning.md): the space's proposals; for the one chosen its title and description
// in the page's language, period and state, what it changes, a switch between today and the plan (drawn by
// world/proposallayer.js, and walked: the server's movement authority takes the plan's walls once it answers `layer`),
// the effects' figures (with their progress while computed), support and oppose with the tally, the discussion
// (ui/plandiscussion.js) and, once closed, its report.
import { getProposal, listProposals, nextStance, reportPage, vote, waitForEffects } from "../net/proposals.js";
import { element } from "./dom.js";
import { errorText } from "./errors.js";
import { localized, t } from "./i18n.js";
import { DensitySwitch } from "./plandensity.js";
import { Discussion } from "./plandiscussion.js";
import { changeText, figures, periodText, progressText } from "./planfigures.js";

/** @typedef {import("../net/proposals.js").View} View */
/** @typedef {import("../net/proposals.js").Summary} Summary */
/**
 * The layer this page asked for, and whether the server's movement authority took it (its `layer` answer).
 * @typedef {{ layer: "today" | "proposed", proposal: string, version: number, confirmed: boolean }} LayerState
 */
/**
 * @typedef {object} PlansContext
 * @property {import("../app/state.js").SpaceState} state
 * @property {string} lang
 * @property {number} personaId  0 for a guest or a visitor from another city: reading only
 * @property {(m: import("../net/protocol.js").ClientMessage) => void} send
 * @property {import("../world/proposallayer.js").ProposalLayer} layer
 */

export class ProposalPanel {
  /**
   * @param {HTMLButtonElement} button  the HUD's "Plans"
   * @param {HTMLElement} panel
   * @param {PlansContext} context
   */
  constructor(button, panel, context) {
    this.button = button;
    this.panel = panel;
    this.context = context;
    this.list = element("ul", { id: "plans-list" });
    this.message = element("p", { id: "plans-message", className: "note" });
    this.detail = element("section", { id: "plan-detail", hidden: true });
    this.discussion = new Discussion({ lang: context.lang, personaId: context.personaId });
    panel.append(this.message, this.list, this.detail);
    /** @type {View | null} */
    this.view = null;
    /** @type {import("../net/proposals.js").Effects | null} */
    this.effects = null;
    /** @type {DensitySwitch | null} the switch of the crowd's density map, where the effects have one */
    this.density = null;
    /** @type {LayerState} */
    this.current = { layer: "today", proposal: "", version: 0, confirmed: true };
    /** The space whose proposals are listed. */
    this.spaceId = "";
    /** Counts choices: answers for a proposal no longer chosen are dropped. */
    this.generation = 0;
    button.addEventListener("click", () => this.open(panel.hidden));
  }

  /** The layer for the browser tests and the HUD. @returns {LayerState} */
  get layer() { return { ...this.current }; }

  /** Opens (and lists the space's proposals) or closes the panel. @param {boolean} open */
  open(open) {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
    if (open) this.load();
  }

  /** Lists the proposals of the space you are in. */
  async load() {
    const spaceId = this.context.state.spaceId;
    this.spaceId = spaceId;
    let proposals;
    try {
      proposals = await listProposals(spaceId);
    } catch (error) {
      this.message.textContent = errorText(error);
      return;
    }
    if (spaceId !== this.spaceId) return;
    this.message.textContent = proposals.length ? "" : t("plansNone");
    this.list.replaceChildren(...proposals.map((p) => this.listItem(p)));
  }

  /** @param {Summary} p */
  listItem(p) {
    const { lang } = this.context;
    const choose = element("button", { type: "button", textContent: localized(p.title, lang),
      dataset: { proposal: p.id } });
    choose.addEventListener("click", () => this.select(p.id));
    return element("li", { dataset: { proposal: p.id }, className: this.view?.id === p.id ? "chosen" : "" }, choose,
      element("span", { className: `note plan-state-${p.state}`, textContent: ` ${periodText(p, lang)}` }),
      element("span", { className: "note", textContent: t("listSeparator") + [t("planTally", p.tally ?? { support: 0, oppose: 0 }),
        t("planCommentsCount", { count: p.comments ?? 0 })].join(t("listSeparator")) }));
  }

  /**
   * Shows proposal `id` (its latest version, or `version`), draws it (hidden until the toggle), waits for its effects
   * and loads its discussion. The layer goes back to today first.
   * @param {string} id
   * @param {number} [version]
   */
  async select(id, version) {
    const mine = ++this.generation;
    const spaceId = this.spaceId || this.context.state.spaceId;
    let view;
    try {
      view = await getProposal(spaceId, id, version);
    } catch (error) {
      if (mine === this.generation) this.message.textContent = errorText(error);
      return;
    }
    if (mine !== this.generation) return;
    if (this.current.layer === "proposed") this.setLayer(false);
    this.view = view;
    this.effects = null;
    this.message.textContent = "";
    for (const li of this.list.children) {
      li.classList.toggle("chosen", /** @type {HTMLElement} */ (li).dataset.proposal === id);
    }
    this.context.layer.draw(view);
    this.drawDetail(view);
    const latest = view.version === Math.max(view.version, ...(view.versions ?? []));
    this.discussion.load(spaceId, view, latest, latest && view.state === "open");
    const effects = await waitForEffects(spaceId, id, view.version, {
      wanted: () => mine === this.generation,
      onProgress: (e) => this.showProgress(e),
    }).catch((error) => {
      if (mine === this.generation) this.effectsNote.textContent = errorText(error);
      return null;
    });
    if (!effects || mine !== this.generation) return;
    this.effects = effects;
    this.effectsProgress.hidden = true;
    if (effects.state === "failed") {
      this.effectsNote.textContent = t("planEffectsFailed", { reason: effects.reason ?? "" });
      this.figures.dataset.state = "failed";
      return;
    }
    this.effectsNote.textContent = "";
    const { layer, lang } = this.context;
    this.density = effects.crowd?.density ? new DensitySwitch(layer, this.current.layer, lang) : null;
    this.figures.replaceChildren(...figures(effects, lang, this.density ? [this.density.root] : []));
    this.figures.dataset.state = "done";
    layer.setEffects(effects);
  }

  /** @param {View} view */
  drawDetail(view) {
    const { lang, personaId } = this.context;
    const latest = Math.max(view.version, ...(view.versions ?? []));
    this.toggle = element("input", { id: "plan-toggle", type: "checkbox", checked: false,
      dataset: { layer: "today", confirmed: "true" } });
    this.toggle.addEventListener("change", () => this.setLayer(this.toggle.checked));
    this.layerStatus = element("span", { id: "plan-layer-status", className: "note", role: "status" });
    const season = element("select", { id: "plan-shadow" },
      element("option", { value: "winter", textContent: t("planShadowWinter") }),
      element("option", { value: "summer", textContent: t("planShadowSummer") }),
      element("option", { value: "off", textContent: t("planShadowOff") }));
    season.value = this.context.layer.season;
    season.addEventListener("change", () => this.context.layer.setSeason(/** @type {any} */ (season.value)));
    this.effectsProgress = element("progress", { id: "plan-effects-progress", max: 100, value: 0 });
    this.effectsNote = element("p", { id: "plan-effects-note", className: "note", role: "status",
      textContent: t("planEffectsQueued") });
    this.figures = element("div", { id: "plan-figures", dataset: { state: "waiting" } });
    this.support = element("button", { id: "plan-support", type: "button", textContent: t("planSupport") });
    this.oppose = element("button", { id: "plan-oppose", type: "button", textContent: t("planOppose") });
    this.tally = element("span", { id: "plan-tally" });
    this.voteNote = element("p", { id: "plan-vote-note", className: "note", role: "status" });
    this.support.addEventListener("click", () => this.vote("support"));
    this.oppose.addEventListener("click", () => this.vote("oppose"));
    const versions = (view.versions ?? []).length > 1 ? element("label", {}, `${t("planVersion")} `,
      this.versionSelect(view)) : "";
    this.detail.replaceChildren(
      element("h3", { id: "plan-title", textContent: localized(view.title, lang) }),
      element("p", { id: "plan-period", className: "note", textContent: periodText(view, lang) }), versions,
      view.version !== latest ? element("p", { className: "note", textContent: t("planOlderVersion", { latest }) })
        : "",
      element("p", { id: "plan-description", textContent: localized(view.description, lang) }),
      element("ul", { id: "plan-changes" },
        ...(view.changes ?? []).map((c) => element("li", { textContent: changeText(c, lang) }))),
      element("p", { className: "plan-layer" }, element("label", {}, this.toggle, ` ${t("planShowProposed")}`), " ",
        this.layerStatus),
      element("p", {}, element("label", {}, `${t("planShadowLabel")} `, season)),
      this.effectsProgress, this.effectsNote, this.figures,
      element("div", { id: "plan-vote" }, this.support, " ", this.oppose, " ", this.tally), this.voteNote,
      view.state === "closed" ? element("p", {}, element("a", { id: "plan-report", target: "_blank", rel: "noopener",
        href: view.report || reportPage(this.spaceId, view.id), textContent: t("planReport") })) : "",
      this.discussion.root);
    this.detail.hidden = false;
    this.showLayer();
    this.showVotes(view.tally, view.myStance);
    const canVote = view.state === "open" && !!personaId && view.version === latest;
    this.support.disabled = this.oppose.disabled = !canVote;
    this.voteNote.textContent = !personaId ? t("planSignIn")
      : view.state === "draft" ? t("planVoteNotYet") : view.state === "closed" ? t("planVoteClosed")
        : view.version !== latest ? t("planVoteLatest") : "";
  }

  /** @param {View} view */
  versionSelect(view) {
    const select = element("select", { id: "plan-version" },
      ...view.versions.map((v) => element("option", { value: String(v), textContent: `v${v}` })));
    select.value = String(view.version);
    select.addEventListener("change", () => this.select(view.id, Number(select.value)));
    return select;
  }

  /** @param {import("../net/proposals.js").Effects} effects */
  showProgress(effects) {
    this.effectsProgress.hidden = false;
    this.effectsProgress.value = Math.round((effects.progress ?? 0) * 100);
    this.effectsNote.textContent = progressText(effects);
  }

  /**
   * @param {import("../net/proposals.js").Tally | undefined} tally
   * @param {string | undefined} stance
   */
  showVotes(tally, stance) {
    const { support = 0, oppose = 0 } = tally ?? {};
    this.tally.textContent = t("planTally", { support, oppose });
    this.tally.dataset.support = String(support);
    this.tally.dataset.oppose = String(oppose);
    this.support.setAttribute("aria-pressed", String(stance === "support"));
    this.oppose.setAttribute("aria-pressed", String(stance === "oppose"));
    if (this.view) this.view.myStance = /** @type {any} */ (stance ?? "none");
  }

  /**
   * Supports or opposes; the stance already taken, clicked again, is withdrawn.
   * @param {"support" | "oppose"} clicked
   */
  async vote(clicked) {
    const view = this.view;
    if (!view || !this.context.personaId) return;
    try {
      const answer = await vote(this.spaceId, view.id, this.context.personaId, nextStance(view.myStance, clicked));
      if (view !== this.view) return;
      this.showVotes(answer.tally, answer.stance ?? "none");
      this.voteNote.textContent = "";
    } catch (error) {
      this.voteNote.textContent = errorText(error);
    }
  }

  /**
   * Shows the plan (or today) and asks the server to move you by its geometry: `layer` with the proposal's id and
   * version, or an empty id for today.
   * @param {boolean} proposed
   */
  setLayer(proposed) {
    const view = proposed ? this.view : null;
    this.current = view ? { layer: "proposed", proposal: view.id, version: view.version, confirmed: false }
      : { layer: "today", proposal: "", version: 0, confirmed: false };
    this.context.layer.show(!!view);
    this.density?.follow(this.current.layer);
    this.context.send({ type: "layer", proposal: this.current.proposal, version: this.current.version });
    this.showLayer();
  }

  /** The toggle and the status line as the layer stands. */
  showLayer() {
    if (!this.toggle) return;
    const { layer, version, confirmed } = this.current;
    this.toggle.checked = layer === "proposed";
    this.toggle.dataset.layer = layer;
    this.toggle.dataset.confirmed = String(confirmed);
    this.layerStatus.textContent = !confirmed ? t("planLayerSwitching")
      : layer === "proposed" ? t("planLayerProposed", { version }) : t("planLayerToday");
  }

  /** The server's `layer`: movement now follows it. @param {import("../net/protocol.js").Layer} m */
  layerTaken(m) {
    const { proposal, version } = this.current;
    if (m.proposal === proposal && (m.proposal === "" || m.version === version)) this.current.confirmed = true;
    this.showLayer();
  }

  /** Error 22: the server has no such proposal or version here; back to today. */
  layerRefused() {
    this.current = { layer: "today", proposal: "", version: 0, confirmed: true };
    this.context.layer.show(false);
    this.density?.follow("today");
    this.showLayer();
    if (this.layerStatus) this.layerStatus.textContent = t("serverError_unknownLayer");
  }

  /**
   * You (re)joined a space: in the same space the plan you walk is asked for again (a new connection starts on
   * today's layer); in another, the panel lists that space's proposals and the plan is put away.
   * @param {string} spaceId
   */
  joined(spaceId) {
    if (spaceId === this.spaceId || !this.spaceId) {
      this.spaceId = spaceId;
      if (this.current.layer === "proposed") this.setLayer(true);
      return;
    }
    this.generation += 1;
    this.current = { layer: "today", proposal: "", version: 0, confirmed: true };
    this.context.layer.clear();
    this.view = null;
    this.detail.hidden = true;
    this.list.replaceChildren();
    this.spaceId = spaceId;
    if (!this.panel.hidden) this.load();
  }
}
