// The artwork panel and the docent: what the catalogue says about the work you stand near, and a
// question box whose answers can be read aloud with the browser's speech synthesis.
import { t } from "./i18n.js";

export class DocentPanel {
  constructor(root, { space, position }) {
    this.root = root;
    this.space = space;
    this.position = position;
    this.current = null;
    root.querySelector("form").addEventListener("submit", (e) => { e.preventDefault(); this.ask(); });
    root.querySelector("#speak").addEventListener("click", () => this.speak(root.querySelector("#answer").textContent));
  }

  /** Shows the panel for `work` (or hides it when null). */
  show(work) {
    if (work?.artwork.id === this.current?.artwork.id) return;
    this.current = work;
    const card = this.root.querySelector("#artwork");
    if (!work) { card.hidden = true; return; }
    const a = work.artwork;
    card.hidden = false;
    card.querySelector("h2").textContent = a.title;
    card.querySelector(".artist").textContent = [a.artist, a.artistDates].filter(Boolean).join(", ");
    card.querySelector(".facts").textContent = [a.dateText, a.medium, a.dimensions].filter(Boolean).join(" · ");
    card.querySelector(".credit").textContent = work.exhibition.credit || "";
  }

  async ask() {
    const input = this.root.querySelector("#question");
    const question = input.value.trim();
    if (!question) return;
    const { x, y } = this.position();
    const res = await fetch("/api/v1/docent/ask", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, space: this.space(), x, y }),
    });
    const data = await res.json();
    const answer = res.ok ? data.answer : t("error", { message: data.error?.message });
    this.root.querySelector("#answer").textContent = answer;
    this.root.querySelector("#answer").lang = data.language || document.documentElement.lang;
    this.root.querySelector("#speak").hidden = !res.ok || !("speechSynthesis" in window);
  }

  /** Reads `text` aloud in `lang` (the answer's language by default). */
  speak(text, lang = this.root.querySelector("#answer").lang) {
    if (!("speechSynthesis" in window) || !text) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang === "ko" ? "ko-KR" : "en-US";
    speechSynthesis.cancel();
    speechSynthesis.speak(utterance);
  }
}
