// Copy buttons (data-copy="value") and table filters (data-filter="tbody id"). Values are read
// from attributes and compared as text, never evaluated or inserted as markup.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    button.textContent = "copied";
    setTimeout(() => { button.textContent = "copy"; }, 1200);
  });
});

document.addEventListener("input", (event) => {
  const input = event.target.closest("input[data-filter]");
  if (!input) return;
  const rows = document.getElementById(input.dataset.filter);
  if (!rows) return;
  const wanted = input.value.trim().toLowerCase();
  for (const row of rows.rows) {
    row.hidden = wanted !== "" && !row.textContent.toLowerCase().includes(wanted);
  }
});
