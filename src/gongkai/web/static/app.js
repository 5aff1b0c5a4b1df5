// Small progressive enhancements shared by every page. Each fetch that changes something sends
// the session's CSRF token; tables with class "sortable" sort on a header click.
"use strict";
const gongkai = {
  csrf: document.querySelector('meta[name="csrf-token"]')?.content || "",
  async post(url, body) {
    const headers = { "X-CSRF-Token": gongkai.csrf };
    if (!(body instanceof FormData)) headers["Content-Type"] = "application/json";
    const response = await fetch(url, { method: "POST", headers, body: body instanceof FormData ? body : JSON.stringify(body || {}), credentials: "same-origin" });
    if (!response.ok) {
      let message = response.statusText;
      try { message = (await response.json()).detail || message; } catch (_) { /* not JSON */ }
      throw new Error(message);
    }
    return response.headers.get("content-type")?.includes("json") ? response.json() : response.text();
  },
  text(element, value) { element.textContent = value == null ? "" : String(value); },
};
document.querySelectorAll("table.sortable").forEach((table) => {
  table.querySelectorAll("thead th").forEach((th, index) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const ascending = th.dataset.order !== "asc";
      th.dataset.order = ascending ? "asc" : "desc";
      const key = (row) => { const cell = row.cells[index]; const raw = cell?.dataset.value ?? cell?.textContent ?? ""; const n = Number(raw); return raw !== "" && !Number.isNaN(n) ? n : raw; };
      rows.sort((a, b) => { const x = key(a), y = key(b); const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN"); return ascending ? c : -c; });
      rows.forEach((row) => body.appendChild(row));
    });
  });
});
