// Small DOM helpers shared by the pages: a typed lookup by id, and an element built from properties and children.

/**
 * The element with `id`, which must be a `tag` (so the type checker knows its properties).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {string} id
 * @param {K} tag
 * @returns {HTMLElementTagNameMap[K]}
 */
export function byId(id, tag) {
  const e = document.getElementById(id);
  if (e?.localName !== tag) throw new Error(`#${id}: expected a <${tag}>, found ${e ? `<${e.localName}>` : "nothing"}`);
  return /** @type {HTMLElementTagNameMap[K]} */ (e);
}

/**
 * A new `tag` element with `props` assigned (`dataset` entries become data- attributes) and `children` appended.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node | string)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, props = {}, ...children) {
  const { dataset = {}, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  Object.assign(e.dataset, dataset);
  e.append(...children);
  return e;
}
