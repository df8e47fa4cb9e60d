// A proposal's discussion (docs/planning.md): comments with one level of replies, the planner's answers marked, and
// for the signed-in persona a comment box with its 1,000-character counter, a reply to a comment, an edit of one's own
// within 10 minutes, deleting one's own, and a report on another's. Removed comments are gone from the list.
import {
  COMMENT_MAX, canEdit, commentLength, commentProblem, deleteComment, editComment, listComments, postComment,
  reportComment,
} from "../net/proposals.js";
import { REPORT_CATEGORIES } from "../net/protocol.js";
import { element } from "./dom.js";
import { errorText } from "./errors.js";
import { formatInstant, t } from "./i18n.js";

/** @typedef {import("../net/proposals.js").Comment} Comment */
/** @typedef {import("../net/proposals.js").View} View */

export class Discussion {
  /**
   * @param {{ lang: string, personaId: number }} context  personaId 0: read only
   */
  constructor({ lang, personaId }) {
    this.lang = lang;
    this.personaId = personaId;
    this.list = element("ul", { id: "plan-comments" });
    this.status = element("p", { id: "plan-comment-status", className: "error", role: "status" });
    this.replying = element("p", { id: "plan-replying", className: "note", hidden: true });
    this.text = element("textarea", { id: "plan-comment-text", rows: 3, placeholder: t("planCommentPlaceholder") });
    this.text.setAttribute("aria-label", t("planCommentPlaceholder"));
    this.count = element("span", { id: "plan-comment-count", className: "note" });
    this.send = element("button", { id: "plan-comment-send", type: "submit", textContent: t("planCommentSend") });
    this.form = element("form", { id: "plan-comment-form" }, this.replying, this.text,
      element("div", { className: "plan-comment-row" }, this.count, this.send));
    this.signIn = element("p", { className: "note" },
      element("a", { href: "persona.html", textContent: t("planSignIn") }));
    this.root = element("section", { id: "plan-discussion" },
      element("h4", { textContent: t("planDiscussion") }), this.list, this.status, this.form, this.signIn);
    /** @type {Comment[]} */
    this.comments = [];
    /** The proposal, the version shown and the version whose comments alone are listed (none: all). */
    /** @type {{ spaceId: string, id: string, version: number, only: number | undefined } | null} */
    this.target = null;
    this.writable = false;
    /** @type {Comment | null} */
    this.parent = null;
    this.text.addEventListener("input", () => this.counted());
    this.form.addEventListener("submit", (e) => { e.preventDefault(); this.post(); });
  }

  /**
   * Shows `view`'s discussion: every version's comments under the latest (each keeps the version it was made on),
   * an earlier version's own under that one. `writable` when the persona may write in it now (latest, open).
   * @param {string} spaceId
   * @param {View} view
   * @param {boolean} latest
   * @param {boolean} writable
   */
  async load(spaceId, view, latest, writable) {
    this.target = { spaceId, id: view.id, version: view.version, only: latest ? undefined : view.version };
    this.writable = writable && !!this.personaId;
    this.form.hidden = !this.writable;
    this.signIn.hidden = !!this.personaId;
    this.reply(null);
    this.counted();
    await this.refresh();
  }

  /** Fetches the comments again and draws them. */
  async refresh() {
    const target = this.target;
    if (!target) return;
    try {
      const comments = await listComments(target.spaceId, target.id, target.only);
      if (target !== this.target) return;
      this.comments = comments;
      this.status.textContent = "";
    } catch (error) {
      this.status.textContent = errorText(error);
      return;
    }
    this.draw();
  }

  draw() {
    this.list.replaceChildren(...this.comments.map((c) => this.item(c, true)));
    if (!this.comments.length) this.list.append(element("li", { className: "note", textContent: t("planNoComments") }));
  }

  /**
   * A comment's item: its author (the planner marked), when, its text and what the reader may do with it; replies
   * under a top-level one.
   * @param {Comment} c
   * @param {boolean} top
   */
  item(c, top) {
    const text = element("p", { className: "plan-comment-text", textContent: c.text });
    const header = element("p", { className: "plan-comment-head" }, element("strong", { textContent: c.author }),
      c.planner ? element("span", { className: "planner-badge", textContent: t("planPlanner") }) : "",
      element("span", { className: "note", textContent: ` ${formatInstant(c.createdAt, this.lang)}` }),
      c.editedAt ? element("span", { className: "note", textContent: ` ${t("planEdited")}` }) : "",
      c.version !== this.target?.version ? element("span", { className: "note", textContent: ` v${c.version}` }) : "");
    const actions = element("div", { className: "plan-comment-actions" });
    const li = element("li", { className: `plan-comment${c.planner ? " planner" : ""}`, dataset: { id: String(c.id) } },
      header, text, actions);
    const button = (label, action, name) => {
      const b = element("button", { type: "button", textContent: label, dataset: { action: name } });
      b.addEventListener("click", action);
      actions.append(b);
      return b;
    };
    if (top && this.writable) button(t("planReply"), () => this.reply(c), "reply");
    if (canEdit(c) && this.writable) button(t("planEdit"), () => this.edit(li, text, c), "edit");
    if (c.mine) {
      const remove = button(t("planDelete"), () => {
        if (remove.dataset.sure) this.remove(c);
        else { remove.dataset.sure = "1"; remove.textContent = t("planDeleteSure"); }
      }, "delete");
    }
    if (!c.mine && this.personaId) button(t("report"), () => this.report(li, c), "report");
    if (top && c.replies?.length) {
      li.append(element("ul", { className: "plan-replies" }, ...c.replies.map((r) => this.item(r, false))));
    }
    return li;
  }

  /** Replies to `c` with the comment box, or (null) writes a new comment. @param {Comment | null} c */
  reply(c) {
    this.parent = c;
    this.replying.hidden = !c;
    if (!c) return;
    const cancel = element("button", { type: "button", textContent: t("cancel") });
    cancel.addEventListener("click", () => this.reply(null));
    this.replying.replaceChildren(t("planReplyingTo", { author: c.author }), " ", cancel);
    this.text.focus();
  }

  /** The counter and whether the box may be sent. */
  counted() {
    const n = commentLength(this.text.value.trim());
    this.count.textContent = t("planCommentCount", { count: n, max: COMMENT_MAX });
    this.count.classList.toggle("over", n > COMMENT_MAX);
    this.send.disabled = commentProblem(this.text.value) !== null;
  }

  async post() {
    const problem = commentProblem(this.text.value);
    if (problem || !this.target) return;
    const { spaceId, id } = this.target;
    this.send.disabled = true;
    try {
      await postComment(spaceId, id, { persona: this.personaId, text: this.text.value.trim(),
        ...(this.parent ? { parent: this.parent.id } : {}) });
      this.text.value = "";
      this.reply(null);
      await this.refresh();
    } catch (error) {
      this.status.textContent = errorText(error);
    }
    this.counted();
  }

  /**
   * Edits `c` in place: its text in a box, saved or given up.
   * @param {HTMLLIElement} li
   * @param {HTMLParagraphElement} text
   * @param {Comment} c
   */
  edit(li, text, c) {
    const box = element("textarea", { className: "plan-edit-text", value: c.text, rows: 3 });
    box.setAttribute("aria-label", t("planEdit"));
    const save = element("button", { type: "submit", textContent: t("planSave") });
    const cancel = element("button", { type: "button", textContent: t("cancel") });
    const form = element("form", { className: "plan-edit" }, box, save, cancel);
    cancel.addEventListener("click", () => form.replaceWith(text));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (commentProblem(box.value) || !this.target) return;
      try {
        await editComment(this.target.spaceId, this.target.id, c.id, box.value.trim());
        await this.refresh();
      } catch (error) {
        this.status.textContent = errorText(error);
      }
    });
    text.replaceWith(form);
    box.focus();
    li.dataset.editing = "1";
  }

  /** Deletes one's own comment. @param {Comment} c */
  async remove(c) {
    if (!this.target) return;
    try {
      await deleteComment(this.target.spaceId, this.target.id, c.id);
      await this.refresh();
    } catch (error) {
      this.status.textContent = errorText(error);
    }
  }

  /**
   * A report on another's comment: its category and a note.
   * @param {HTMLLIElement} li
   * @param {Comment} c
   */
  report(li, c) {
    if (li.querySelector(":scope > form.plan-report")) return;
    const category = element("select", {},
      ...REPORT_CATEGORIES.map((k) => element("option", { value: k, textContent: t(`cat_${k}`) })));
    category.setAttribute("aria-label", t("planReportCategory"));
    const note = element("input", { type: "text", maxLength: 500, placeholder: t("reportNote") });
    note.setAttribute("aria-label", t("reportNote"));
    const form = element("form", { className: "plan-report" }, category, note,
      element("button", { type: "submit", textContent: t("reportSend") }));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!this.target) return;
      try {
        const { report } = await reportComment(this.target.spaceId, this.target.id, c.id,
          { persona: this.personaId, category: category.value, note: note.value.trim() });
        form.replaceWith(element("p", { className: "note", textContent: t("planReported", { id: report }) }));
      } catch (error) {
        this.status.textContent = errorText(error);
      }
    });
    li.querySelector(".plan-comment-actions").after(form);
  }
}
