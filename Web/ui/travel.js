// Travel on the space page (docs/federation.md): other cities' entry points in the teleport menu and the choice to
// bring one's blocks, the way to another city (a ticket from home, then that city's page), and for a visitor the
// banner with the way home and what the end of a visit means.
import { CLOSE } from "../net/protocol.js";
import {
  bringsBlocks, fetchCities, homePage, httpBase, onwardUrl, rememberVisit, rememberedVisit, requestTicket,
  setBringsBlocks, ticketProblem, visitUrl,
} from "../net/travel.js";
import { byId, element } from "./dom.js";
import { t } from "./i18n.js";

/** How long the notice that this city sends its visitors home stays before going home. */
const GO_HOME_AFTER_MS = 3000;

/** @typedef {import("../net/travel.js").Home} Home */

export class Travel {
  /**
   * @param {object} parts
   * @param {number} parts.personaId  the persona this page entered as at home; 0 for a guest or a visitor
   * @param {string} parts.lang  the page's language, kept on the way
   * @param {(text: string) => void} parts.say  the status line
   * @param {import("./log.js").Log} parts.log
   * @param {() => string} parts.current  the space you are in, for the teleport menu
   * @param {boolean} parts.arriving  the page came with a travel ticket
   * @param {string | null} parts.home  a visit's home URL from the fragment, until the server names it
   * @param {() => void} parts.depart  ends this page's connection before it goes to another city, so the person
   *   does not stay behind in this one
   */
  constructor({ personaId, lang, say, log, current, arriving, home, depart }) {
    this.personaId = personaId;
    this.lang = lang;
    this.say = say;
    this.log = log;
    this.current = current;
    this.arriving = arriving;
    this.depart = depart;
    this.banner = byId("visit", "div");
    this.box = byId("travelbox", "details");
    this.bringBlocks = byId("bring-blocks", "input");
    this.teleport = byId("teleport", "select");
    /** @type {import("../net/travel.js").Cities | null} */
    this.cities = null;
    /** Where home is while visiting (the server's `visiting`). @type {Home | null} */
    this.visit = null;
    /** The home server's base URL, when this tab came here as a visitor (now, or earlier: see `offer`). */
    this.homeUrl = home ?? (personaId ? null : rememberedVisit()?.homeUrl) ?? null;
    /** A ticket is being asked for, or the page is on its way to another city. */
    this.leaving = false;
    this.loaded = fetchCities().then((cities) => { this.cities = cities; });
    this.bringBlocks.checked = bringsBlocks();
    this.bringBlocks.addEventListener("change", () => setBringsBlocks(this.bringBlocks.checked));
    // The world's own spaces are the HUD's (ui/hud.js); other cities and the way home are chosen here.
    this.teleport.addEventListener("change", () => {
      const chosen = this.teleport.selectedOptions[0];
      if (!chosen?.dataset.travel) return;
      this.teleport.value = this.current();
      if (chosen.dataset.travel === "home") this.navigate(this.homePage());
      else this.go(chosen.dataset.city, chosen.dataset.space);
    });
  }

  /**
   * Offers, in the teleport menu, the entry points of the peer cities this one sends travellers to (those down, or
   * not showing the key pinned for them, marked and disabled) — or, for a visitor, the way home instead. Nothing
   * when this server is in no federation.
   */
  async offer() {
    await this.loaded;
    for (const old of this.teleport.querySelectorAll("[data-travel]")) old.remove();
    // Arriving with a ticket: the server's `visiting` says where home is, and offers are made then.
    if (this.arriving && !this.visit) return;
    const remembered = this.visit ?? rememberedVisit();
    if (remembered && this.homeUrl) {
      this.teleport.append(element("option", { value: "", textContent: t("goHomeTo", { home: remembered.homeName }),
        dataset: { travel: "home" } }));
      this.box.hidden = true;
      if (this.visit) this.showVisit();
      else this.show(t("visitedFrom", { home: remembered.homeName }), this.homeLink());
      return;
    }
    const peers = (this.cities?.cities ?? []).filter((c) => c.sendsTravellers);
    for (const city of peers) {
      // The home server sends nobody to a city it last saw down or not as the peers file names it.
      const down = city.status !== "up" && city.status !== "unknown";
      const label = down ? `${city.name} (${t(`cityStatus_${city.status}`)})` : city.name;
      const group = element("optgroup", { label, dataset: { travel: "city" } });
      for (const entry of city.entryPoints) {
        const name = entry.name?.[this.lang] || entry.name?.ko || entry.id;
        group.append(element("option", { value: "", textContent: name, disabled: down,
          dataset: { travel: "city", city: city.id, space: entry.id } }));
      }
      // Not seen up yet: its entry points are not known, only that it is there.
      if (!city.entryPoints.length) group.append(element("option", { value: "", textContent: label, disabled: true }));
      this.teleport.append(group);
    }
    this.box.hidden = peers.length === 0;
  }

  /**
   * Goes to `space` in `city` (a portal's `travel`, or the menu): from home with a ticket; a visitor by way of home.
   * @param {string} city
   * @param {string} space
   */
  go(city, space) {
    if (this.visit) this.navigate(onwardUrl(this.visit, city, space, this.lang));
    else this.leave(city, space);
  }

  /**
   * At home: asks this server for a ticket to `space` in `city` for the persona this page entered as, and opens that
   * city's page with it. Resolves true when the page is on its way; false when it stays, having said why (the
   * server refuses a city it cannot reach: it looks again rather than trust an old look).
   * @param {string} city
   * @param {string} space
   * @returns {Promise<boolean>}
   */
  async leave(city, space) {
    if (this.leaving) return true;
    await this.loaded;
    const peer = this.cities?.cities.find((c) => c.id === city);
    const name = peer?.name ?? city;
    if (!this.personaId) {
      this.tell(t("travelSignIn", { city: name }), signInLink);
      return false;
    }
    this.leaving = true;
    this.say(t("travelling", { city: name }));
    try {
      const ticket = await requestTicket({ personaId: this.personaId, city, space, lang: this.lang,
        bringBlocks: bringsBlocks() });
      this.navigate(visitUrl(ticket.page, ticket.ticket, { home: location.origin, lang: this.lang }));
      return true;
    } catch (error) {
      this.leaving = false;
      const key = ticketProblem(error);
      this.tell(t(key, { city: name, message: error.message }), key === "travelSignIn" ? signInLink : null);
      return false;
    }
  }

  /**
   * You arrived as a visitor: remember the way home for this tab, and show where you are and the way back.
   * @param {import("../net/protocol.js").Visiting} m
   */
  visiting(m) {
    const homeUrl = httpBase(m.homeUrl);
    if (!homeUrl) return;
    this.visit = { home: m.home, homeName: m.homeName, homeUrl };
    this.homeUrl = homeUrl;
    rememberVisit(this.visit);
    this.offer();
  }

  /**
   * The visit's connection is over (net/connection.js: `ended` or `unreachable`): say why, with the way home. When
   * this city stopped taking visitors from home, go home by itself after a moment.
   * @param {"ended" | "unreachable"} kind
   * @param {string} reason
   * @param {number | undefined} code
   */
  ended(kind, reason, code) {
    const home = this.visit?.homeName ?? rememberedVisit()?.homeName ?? "";
    if (code === CLOSE.defederated) {
      this.tell(t("defederated", { home }));
      if (this.homeUrl) setTimeout(() => this.navigate(this.homePage()), GO_HOME_AFTER_MS);
    } else if (code === CLOSE.travelRefused) {
      this.tell(t("visitRefused", { reason }), () => this.homeLink());
    } else if (kind === "unreachable") {
      this.tell(t("cityUnreachable", { city: this.cityName() }), () => this.homeLink());
    } else {
      this.tell(t("visitEnded", { reason: reason || t("closeCode", { code }) }), () => this.homeLink());
    }
  }

  /** This city's name, as its server gives it. */
  cityName() { return this.cities?.me.name ?? location.host; }

  /** The home city's space page, as the persona this tab left as. */
  homePage() { return homePage(this.homeUrl, { lang: this.lang }); }

  /** A link home, when home is known. */
  homeLink() {
    if (!this.homeUrl) return null;
    return element("a", { href: this.homePage(), textContent: t("goHome"), onclick: () => this.depart() });
  }

  /**
   * Leaves this page (and this city's connection) for `url`.
   * @param {string} url
   */
  navigate(url) {
    this.depart();
    location.assign(url);
  }

  showVisit() {
    this.show(t("visitingBanner", { city: this.cityName(), home: this.visit.homeName }), this.homeLink());
  }

  /**
   * The banner: `text` and, after it, a link.
   * @param {string} text
   * @param {HTMLElement | null} [link]
   */
  show(text, link = null) {
    this.banner.replaceChildren(text, ...(link ? [" ", link] : []));
    this.banner.hidden = false;
  }

  /**
   * Says `text` on the status line, in the log and, for a visitor, on the banner; after it, in each, what `link`
   * makes (the way home, or to sign in).
   * @param {string} text
   * @param {(() => HTMLElement | null) | null} [link]
   */
  tell(text, link = null) {
    this.say(text);
    const inLog = link?.();
    this.log.add(text, ...(inLog ? [" ", inLog] : []));
    if (this.visit || this.homeUrl) this.show(text, link?.());
  }
}

/** The way to sign in and choose a persona, which travelling needs. */
function signInLink() { return element("a", { href: "persona.html", textContent: t("signInLink") }); }
