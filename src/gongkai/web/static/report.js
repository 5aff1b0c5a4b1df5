// 报告详情: a click on a table cell or a finding shows where it was printed (the line of the
// original with a few around it, and for PDFs and scans the page with the cell's box drawn).
// Every text from the server is set with textContent: nothing it sends becomes markup.
"use strict";
(function () {
  const dataBlock = document.getElementById("rpt-data");
  const panel = document.getElementById("rpt-panel-body");
  if (!dataBlock || !panel) return;
  const config = JSON.parse(dataBlock.textContent || "{}");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  function clearMarks() {
    document.querySelectorAll(".rpt-selected").forEach((node) => node.classList.remove("rpt-selected"));
    document.querySelectorAll(".rpt-focus").forEach((node) => node.classList.remove("rpt-focus"));
  }

  function cellOf(path) {
    return document.querySelector(`td[data-path="${CSS.escape(path)}"]`);
  }

  function findingSummaries(indexes) {
    const list = el("ul", "rpt-panel-findings");
    indexes.forEach((index) => {
      const item = document.getElementById(`finding-${index}`);
      if (!item) return;
      const li = el("li", `rpt-sev-${item.dataset.severity || "info"}`);
      const link = el("a", null, item.querySelector(".rpt-message")?.textContent || `问题 ${index + 1}`);
      link.href = `#finding-${index}`;
      link.addEventListener("click", (event) => { event.preventDefault(); selectFinding(item); });
      li.appendChild(link);
      list.appendChild(li);
    });
    return list;
  }

  function where(data) {
    const parts = [];
    if (data.page != null) parts.push(`第${data.page}页`);
    if (data.line != null) parts.push(`第${data.line}行`);
    if (data.column != null) parts.push(`该行第${data.column}个字符起`);
    return parts.join(" · ");
  }

  function show(data) {
    panel.replaceChildren();
    panel.appendChild(el("h3", "rpt-panel-title", data.label || "出处"));
    if (data.path) {
      const value = el("p", "rpt-panel-value");
      value.appendChild(el("span", "muted", "读出的值："));
      value.appendChild(el("strong", data.value == null ? "rpt-null" : null, data.value == null ? "空" : data.value));
      if (data.text != null && data.text !== "") {
        value.appendChild(el("span", "muted", "　原文："));
        value.appendChild(el("code", null, `“${data.text}”`));
      }
      if (data.derived) value.appendChild(el("sup", "rpt-flag", "推"));
      panel.appendChild(value);
    }
    const place = where(data);
    if (place) panel.appendChild(el("p", "rpt-panel-where", place));
    if (data.note) panel.appendChild(el("p", "rpt-panel-note", data.note));
    if (data.findings && data.findings.length) {
      panel.appendChild(el("p", "muted", "这一格涉及的问题："));
      panel.appendChild(findingSummaries(data.findings));
    }
    if (data.context && data.context.length) {
      const caption = data.source === "file" ? "原文（重新读取原文件）：" : "读取时记下的文字：";
      panel.appendChild(el("p", "muted", caption));
      const lines = el("ol", "rpt-context");
      data.context.forEach((line) => {
        const li = el("li", line.marked ? "rpt-line rpt-line-marked" : "rpt-line");
        li.appendChild(el("span", "rpt-line-no", line.number));
        const text = el("span", "rpt-line-text");
        if (line.marked && line.span) {
          text.appendChild(document.createTextNode(line.text.slice(0, line.span[0])));
          text.appendChild(el("mark", null, line.text.slice(line.span[0], line.span[1])));
          text.appendChild(document.createTextNode(line.text.slice(line.span[1])));
        } else {
          text.textContent = line.text;
        }
        li.appendChild(text);
        lines.appendChild(li);
      });
      panel.appendChild(lines);
    }
    if (data.image) panel.appendChild(pageFigure(data));
  }

  // The drawn page, scrolled so that the cell's box is in the middle; a click on the page
  // switches between this close view and the whole page.
  let objectUrl = null;
  function pageFigure(data) {
    const figure = el("figure", "rpt-page-figure");
    const view = el("div", "rpt-page-view rpt-page-close");
    const image = el("img", "rpt-page-image");
    const status = el("figcaption", "muted", `正在绘制第${data.image_page}页……`);
    image.alt = `第${data.image_page}页，读出的单元格以方框标出`;
    view.appendChild(image);
    figure.appendChild(view);
    figure.appendChild(status);
    const whole = el("a", "rpt-page-link", "在新标签页打开整页图片");
    whole.href = data.image;
    whole.target = "_blank";
    whole.rel = "noopener";
    figure.appendChild(whole);
    let pixels = 1;
    const centre = () => {
      if (!data.box || !view.classList.contains("rpt-page-close")) return;
      const ratio = image.clientWidth / (image.naturalWidth || 1);
      const x = ((data.box[0] + data.box[2]) / 2) * pixels * ratio;
      const y = ((data.box[1] + data.box[3]) / 2) * pixels * ratio;
      view.scrollLeft = Math.max(0, x - view.clientWidth / 2);
      view.scrollTop = Math.max(0, y - view.clientHeight / 2);
    };
    image.addEventListener("load", () => {
      status.textContent = `第${data.image_page}页：绿框为读出的数字，红框为有问题的格${data.box ? "，蓝框为当前格" : ""}。点击图片切换整页／局部。`;
      centre();
    });
    view.addEventListener("click", () => { view.classList.toggle("rpt-page-close"); centre(); });
    fetch(data.image, { credentials: "same-origin" })
      .then(async (response) => {
        if (!response.ok) {
          let message = "页面无法绘制";
          try { message = (await response.json()).detail || message; } catch (_) { /* not JSON */ }
          throw new Error(message);
        }
        pixels = Number(response.headers.get("X-Pixels-Per-Point")) || 1;
        return response.blob();
      })
      .then((blob) => {
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        objectUrl = URL.createObjectURL(blob);
        image.src = objectUrl;
      })
      .catch((error) => { status.textContent = error.message; status.className = "error"; });
    return figure;
  }

  function failed(message) {
    panel.replaceChildren(el("p", "error", message));
  }

  async function load(query) {
    panel.replaceChildren(el("p", "muted", "正在读取出处……"));
    try {
      const response = await fetch(`${config.provenance}?${query}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = await response.json();
      if (!response.ok) { failed(data.detail || "无法读取出处"); return; }
      show(data);
    } catch (error) {
      failed(`无法读取出处：${error.message}`);
    }
  }

  function selectCell(cell, fromFinding) {
    if (!fromFinding) clearMarks();
    cell.classList.add("rpt-selected");
    load(`cell=${encodeURIComponent(cell.dataset.path)}`);
  }

  function selectFinding(item) {
    clearMarks();
    item.classList.add("rpt-selected");
    const cells = (item.dataset.cells || "").split(" ").filter(Boolean);
    cells.forEach((path) => cellOf(path)?.classList.add("rpt-focus"));
    const target = item.dataset.cell ? cellOf(item.dataset.cell) : null;
    if (target) {
      target.scrollIntoView({ block: "center", behavior: "smooth" });
      selectCell(target, true);
    } else if (item.dataset.cell) {
      load(`cell=${encodeURIComponent(item.dataset.cell)}`);
    } else if (item.dataset.line) {
      const page = item.dataset.page ? `&page=${encodeURIComponent(item.dataset.page)}` : "";
      load(`line=${encodeURIComponent(item.dataset.line)}${page}`);
    } else {
      panel.replaceChildren(el("p", "muted", "这条问题涉及整份报告或整张表，没有单独的原文位置。"));
    }
  }

  function activate(event, handler) {
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    if (event.type === "keydown") event.preventDefault();
    handler();
  }

  document.querySelectorAll("td[data-path]").forEach((cell) => {
    const handler = () => selectCell(cell, false);
    cell.addEventListener("click", (event) => activate(event, handler));
    cell.addEventListener("keydown", (event) => activate(event, handler));
  });
  document.querySelectorAll(".rpt-finding").forEach((item) => {
    const handler = () => selectFinding(item);
    item.querySelectorAll(".rpt-finding-head, .rpt-show").forEach((trigger) => {
      trigger.addEventListener("click", (event) => activate(event, handler));
      trigger.addEventListener("keydown", (event) => activate(event, handler));
    });
  });

  // A link to #finding-3 or #cell-requests.new_received.total opens with its provenance shown.
  const hash = decodeURIComponent(window.location.hash.slice(1));
  if (hash.startsWith("finding-")) {
    const item = document.getElementById(hash);
    if (item) selectFinding(item);
  } else if (hash.startsWith("cell-")) {
    const cell = cellOf(hash.slice(5));
    if (cell) { cell.scrollIntoView({ block: "center" }); selectCell(cell, false); }
  }
})();
