// The review workflow on a report page (templates finding_review.html and report_review.html):
// decisions on findings, the report's status and publishing, sent with gongkai.post (which adds
// the CSRF token) instead of leaving the page. Every text shown comes from the server's JSON and
// is put in with textContent, never as HTML. Without this script the forms post and come back.
"use strict";
(() => {
  if (window.gongkaiReviewLoaded) return; // the page may load this more than once
  window.gongkaiReviewLoaded = true;

  const DECISION_NAMES = { confirmed: "确认", dismissed: "驳回" };

  function span(className, text) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text == null ? "" : String(text);
    return element;
  }

  function showError(scope, error) {
    const slot = scope.querySelector(".rv-error");
    if (slot) slot.textContent = error ? `操作未成功：${error.message || error}` : "";
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button, select, textarea").forEach((element) => { element.disabled = busy; });
    form.classList.toggle("rv-busy", busy);
  }

  // The state of one finding's review, drawn from the JSON the API answers.
  function drawFinding(box, review) {
    const state = box.querySelector(".review-state");
    const decision = review.decision || "";
    box.dataset.decision = decision;
    state.className = "review-state rv-state" + (decision ? ` rv-${decision}` : "");
    state.replaceChildren();
    if (decision) {
      state.append(span("rv-decision", review.decision_name || DECISION_NAMES[decision] || decision));
      state.append(" ", span("rv-who", review.reviewer));
      const when = document.createElement("time");
      when.className = "rv-when";
      when.dateTime = review.at || "";
      when.textContent = review.at_text || review.at || "";
      state.append(" ", when);
      if (review.comment) state.append(span("rv-comment-text", review.comment));
    } else {
      state.append(span("rv-decision rv-none", "未审核"));
    }
    const comment = box.querySelector("textarea.review-comment");
    if (comment) comment.value = review.comment || "";
    const withdraw = box.querySelector("button.review-withdraw");
    if (withdraw) withdraw.hidden = !decision;
    recount();
  }

  // The report's counts of decisions, from the findings on the page.
  function recount() {
    const counts = document.getElementById("rv-counts");
    if (!counts) return;
    const boxes = Array.from(document.querySelectorAll(".rv-finding"));
    if (!boxes.length) return;
    const seen = new Map();
    boxes.forEach((box) => seen.set(box.dataset.fingerprint, box.dataset.decision || ""));
    const values = Array.from(seen.values());
    const set = (selector, n) => { const element = counts.querySelector(selector); if (element) element.textContent = String(n); };
    set(".rv-count-confirmed", values.filter((d) => d === "confirmed").length);
    set(".rv-count-dismissed", values.filter((d) => d === "dismissed").length);
    set(".rv-count-open", values.filter((d) => !d).length);
  }

  async function decide(form, decision) {
    const box = form.closest(".rv-finding");
    const comment = form.querySelector("textarea.review-comment");
    const url = `/api/reports/${encodeURIComponent(box.dataset.report)}/findings/${encodeURIComponent(box.dataset.fingerprint)}`;
    setBusy(form, true);
    showError(form, null);
    try {
      const review = await gongkai.post(url, { decision: decision || null, comment: comment ? comment.value : null });
      // The same finding may be shown more than once (a list and its cell): draw them all.
      document.querySelectorAll(".rv-finding").forEach((other) => {
        if (other.dataset.fingerprint === box.dataset.fingerprint && other.dataset.report === box.dataset.report) drawFinding(other, review);
      });
    } catch (error) {
      showError(form, error);
    } finally {
      setBusy(form, false);
    }
  }

  function drawReport(review) {
    const status = document.getElementById("rv-status");
    if (status) {
      status.textContent = review.status_name;
      status.dataset.status = review.status;
      status.className = `rv-status rv-status-${review.status}`;
    }
    const select = document.getElementById("rv-status-select");
    if (select) select.value = review.status;
    // The report page's own badges beside its title, when it has them.
    const badge = document.getElementById("review-status");
    if (badge) {
      badge.textContent = review.status_name;
      badge.className = badge.className.replace(/\brpt-status-\S+/, `rpt-status-${review.status}`);
    }
    if (!review.draft) {
      document.getElementById("rv-draft")?.remove();
      document.getElementById("draft-badge")?.remove();
      document.querySelector(".rv-publish-form")?.remove();
    }
    const updated = document.getElementById("rv-updated");
    if (updated && review.updated_by) updated.textContent = `（${review.updated_by} 于 ${review.updated_at_text} 更新）`;
  }

  async function reportAction(form, url, body) {
    const section = form.closest(".rv-report") || document;
    setBusy(form, true);
    showError(section, null);
    try {
      drawReport(await gongkai.post(url, body));
    } catch (error) {
      showError(section, error);
    } finally {
      setBusy(form, false);
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.matches(".rv-form")) {
      event.preventDefault();
      const button = event.submitter;
      if (button && button.name === "decision") decide(form, button.value);
    } else if (form.matches(".rv-status-form")) {
      event.preventDefault();
      const section = form.closest(".rv-report");
      reportAction(form, `/api/reports/${encodeURIComponent(section.dataset.report)}/status`, { status: form.elements.status.value });
    } else if (form.matches(".rv-publish-form")) {
      event.preventDefault();
      const section = form.closest(".rv-report");
      reportAction(form, `/api/reports/${encodeURIComponent(section.dataset.report)}/publish`, {});
    }
  });
})();
