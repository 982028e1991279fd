// Progressive enhancement only: every page works without this file.
// Bootstrap Italia's own plugins, served as ES modules from its npm package (/vendor/...):
// the navbar collapses into its off-canvas mobile menu (focus kept inside, Esc closes).
// Only what the site uses is loaded: the package's UMD bundle weighs 1 MB and injects
// <style> elements (video player) that the Content-Security-Policy refuses.
import 'bootstrap-italia/dist/plugins/navbar-collapsible.js';
