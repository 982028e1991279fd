// PurgeCSS keeps, of Bootstrap Italia's compiled CSS, the rules whose classes, ids and
// elements appear in what renders pages (templates, Python code that names classes) and in
// the JavaScript the pages load (consult/assets.py passes the bundle's inputs, the
// Bootstrap Italia plugins included, in CONSULT_JS_INPUTS). See docs/performance.md.
const jsInputs = (process.env.CONSULT_JS_INPUTS || "").split("\n").filter(Boolean);

module.exports = {
  content: ["templates/**/*.html", "consult/**/*.py", "static/js/**/*.js", ...jsInputs],
  safelist: {
    standard: [
      // Classes the templates build from a value: flash messages (alert-{{ kind }}).
      /^alert-/,
      // States scripts and the server add: collapse, dropdowns, the off-canvas menu,
      // form validation, focus rings.
      "show", "showing", "hiding", "collapse", "collapsing", "collapsed", "expanded", "active",
      "disabled", "fade", "open", "navbar-backdrop", "modal-backdrop", "offcanvas-backdrop",
      "is-invalid", "invalid-feedback",
      "focus--mouse", "focus--keyboard",
      // The focus ring of every element reached by keyboard, `:focus:not([data-focus-mouse=true])`:
      // PurgeCSS drops rules whose selector is only pseudo-classes (FullHuman/purgecss#1282).
      /^:focus/,
      // The elements user text (Markdown, sanitised) can contain.
      "p", "ul", "ol", "li", "blockquote", "pre", "code", "em", "strong", "del", "hr", "img",
      "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    ],
  },
  // Attribute selectors whose value only a script or a state sets.
  dynamicAttributes: ["aria-expanded", "aria-current", "aria-selected", "aria-hidden",
                      "aria-invalid", "aria-disabled", "data-focus-mouse"],
  keyframes: true,
  variables: true,
  fontFace: true,
};
