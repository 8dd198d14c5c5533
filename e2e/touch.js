// Phone-friendliness of the current page: no horizontal scroll, and the main actions (buttons,
// button-like links, menus, votes, post actions, table sort links) at least 44 × 44 px.
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`horizontal scroll: ${root.scrollWidth} > ${root.clientWidth}`);
  const actions = "button:not(.link), .button, details > summary, .vote button, .post-actions > a, .shelf-table th a";
  for (const el of document.querySelectorAll(actions)) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue; // not shown (a closed menu)
    if (box.width < 44 || box.height < 44) {
      problems.push(`small target ${Math.round(box.width)}×${Math.round(box.height)}: ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return problems;
}
