// 上传: drag-and-drop or choose files (or ZIPs), send them to /api/uploads, then poll the job
// and show its progress and results. Every text from the server is set with textContent.
"use strict";
(() => {
  const form = document.getElementById("up-form");
  if (!form) return;
  const input = document.getElementById("up-input");
  const chosen = document.getElementById("up-chosen");
  const error = document.getElementById("up-error");
  const submit = document.getElementById("up-submit");
  const section = document.getElementById("up-job");
  const limits = { fileBytes: Number(form.dataset.fileBytes), requestBytes: Number(form.dataset.requestBytes), files: Number(form.dataset.files) };
  let dropped = [];

  const size = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
  const files = () => (dropped.length ? dropped : Array.from(input.files || []));
  const showChosen = () => {
    const list = files();
    gongkai.text(chosen, list.length ? `已选 ${list.length} 个文件，共 ${size(list.reduce((s, f) => s + f.size, 0))}` : "");
  };
  const problem = (list) => {
    if (!list.length) return "请先选择或拖入文件";
    if (list.length > limits.files) return `一次最多上传 ${limits.files} 个文件`;
    const big = list.find((f) => f.size > limits.fileBytes);
    if (big) return `文件“${big.name}”超过单个文件的上限 ${size(limits.fileBytes)}`;
    if (list.reduce((s, f) => s + f.size, 0) > limits.requestBytes) return `上传内容超过一次上传的上限 ${size(limits.requestBytes)}，请分批上传`;
    return null;
  };

  ["dragenter", "dragover"].forEach((type) => form.addEventListener(type, (event) => { event.preventDefault(); form.classList.add("up-over"); }));
  ["dragleave", "drop"].forEach((type) => form.addEventListener(type, () => form.classList.remove("up-over")));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    dropped = Array.from(event.dataTransfer?.files || []);
    showChosen();
  });
  input.addEventListener("change", () => { dropped = []; showChosen(); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const list = files();
    const refused = problem(list);
    gongkai.text(error, refused || "");
    if (refused) return;
    const body = new FormData();
    list.forEach((file) => body.append("files", file, file.name));
    submit.disabled = true;
    gongkai.text(chosen, "正在上传……");
    try {
      const job = await gongkai.post("/api/uploads", body);
      dropped = [];
      input.value = "";
      gongkai.text(chosen, "");
      history.replaceState(null, "", job.url);
      start(job.id);
    } catch (failure) {
      gongkai.text(error, failure.message || "上传失败");
      gongkai.text(chosen, "");
    } finally {
      submit.disabled = false;
    }
  });

  const reportCell = (cell, f) => {
    cell.replaceChildren();
    if (!f.report_url) return;
    const link = document.createElement("a");
    link.href = `/reports/${Number(f.report_id)}`;
    gongkai.text(link, `${f.agency || "报告"}${f.year ? ` ${f.year}年度` : ""}`);
    cell.appendChild(link);
    [["error", "错误", f.errors], ["warning", "警告", f.warnings]].forEach(([kind, label, count]) => {
      if (!count) return;
      const badge = document.createElement("span");
      badge.className = `badge ${kind}`;
      gongkai.text(badge, `${label} ${count}`);
      cell.append(" ", badge);
    });
  };

  const render = (job) => {
    section.hidden = false;
    gongkai.text(document.getElementById("up-job-id"), job.id);
    gongkai.text(document.getElementById("up-state"), job.state_name);
    const bar = document.getElementById("up-progress");
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    gongkai.text(document.getElementById("up-count"), `${job.done} / ${job.total}`);
    gongkai.text(document.getElementById("up-rate"), job.rate ? `每秒 ${job.rate} 个文件` : "");
    gongkai.text(document.getElementById("up-summary"), job.summary.line || job.error || "");
    const body = document.querySelector("#up-files tbody");
    const rows = job.files.map((f) => {
      const row = document.createElement("tr");
      row.className = `up-file up-${f.status}${f.agency_mismatch ? " up-mismatch" : ""}`;
      row.dataset.n = String(f.n);
      const cells = [0, 1, 2, 3, 4].map(() => row.insertCell());
      cells[0].className = "num";
      gongkai.text(cells[0], f.n);
      cells[1].className = "up-name";
      gongkai.text(cells[1], f.name);
      if (f.archive) {
        const from = document.createElement("span");
        from.className = "muted";
        gongkai.text(from, `（来自 ${f.archive}）`);
        cells[1].appendChild(from);
      }
      cells[2].className = "up-status";
      gongkai.text(cells[2], f.status_name);
      cells[3].className = "up-message";
      gongkai.text(cells[3], f.message || "");
      cells[4].className = "up-report";
      reportCell(cells[4], f);
      return row;
    });
    body.replaceChildren(...rows);
  };

  let timer = null;
  const start = (id) => {
    if (timer) clearTimeout(timer);
    const poll = async () => {
      try {
        const response = await fetch(`/api/uploads/${encodeURIComponent(id)}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
        const job = await response.json();
        render(job);
        if (!job.finished) timer = setTimeout(poll, 1000);
      } catch (failure) {
        gongkai.text(error, failure.message || "无法取得任务进度");
        timer = setTimeout(poll, 3000);
      }
    };
    poll();
  };

  if (section && section.dataset.job && section.dataset.finished !== "1") start(section.dataset.job);
})();
