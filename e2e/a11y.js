// Basic accessibility of the current page: one h1, headings in order, labelled controls,
// named buttons, and WCAG AA contrast (4.5:1, 3:1 for large text) of the main text.
() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements`);
  let last = 0;
  for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(heading.tagName[1]);
    if (last && level > last + 1) problems.push(`heading h${last} → h${level}: ${heading.textContent.trim()}`);
    last = level;
  }
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(control.type)) continue;
    const named = control.labels?.length || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
    if (!named) problems.push(`unlabelled ${control.tagName.toLowerCase()} name=${control.name}`);
  }
  for (const button of document.querySelectorAll("button")) {
    if (!(button.textContent.trim() || button.getAttribute("aria-label"))) problems.push("button without a name");
  }
  const channels = (css) => css.match(/[\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = channels(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll("main p, main li, main label, main h1, main h2, main h3, main td, main dd")) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || !visible(el)) continue;
    const style = getComputedStyle(el);
    const [fg, bg] = [luminance(channels(style.color)), luminance(background(el))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} on "${el.textContent.trim().slice(0, 40)}"`);
  }
  return problems;
}
