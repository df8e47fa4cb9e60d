// The space page's log: chat, notices, tour news and server errors, newest last, at most 100 lines.
import { element } from "./dom.js";

const LINES_MAX = 100;

export class Log {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
  }

  /**
   * Adds a line of `text` followed by `extra` (such as a button), and scrolls to it.
   * @param {string} text
   * @param {...(Node | string)} extra
   */
  add(text, ...extra) {
    this.root.append(element("p", { textContent: text }, ...extra));
    while (this.root.children.length > LINES_MAX) this.root.firstChild.remove();
    this.root.scrollTop = this.root.scrollHeight;
  }
}

/**
 * A button that does `action` once and then goes away (Accept, Join the tour, Leave the tour).
 * @param {string} label
 * @param {() => void} action
 */
export function onceButton(label, action) {
  const button = element("button", { type: "button", textContent: label });
  button.addEventListener("click", () => { action(); button.remove(); });
  return button;
}
