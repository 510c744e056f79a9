// Quarto's accessibility checker, switched off: the original loads axe-core from a CDN when a page asks
// for it (format option `axe`), and the scorecard's pages load nothing from the network. The scorecard's
// own tests run axe-core from node_modules instead.
export async function init() {}
