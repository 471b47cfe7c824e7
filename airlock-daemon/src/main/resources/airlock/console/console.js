// airlock console: the only script (the CSP allows no other). It never puts server data into
// innerHTML: every value reaches the DOM through textContent.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Ask before revoke/lock/rotate/remove.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }

  // The rotated key: modal while it is shown; closing its dialog removes it from the page, so it is not left in the DOM.
  const keyDialog = document.getElementById("key-dialog");
  if (keyDialog && keyDialog.showModal) { keyDialog.close(); keyDialog.showModal(); }
  for (const button of document.querySelectorAll("[data-close-dialog]")) {
    button.addEventListener("click", () => {
      const dialog = document.getElementById(button.dataset.closeDialog);
      if (dialog) dialog.remove();
    });
  }

  // A secret's value: empty the field as the form leaves, so nothing keeps it after submit.
  const secretForm = document.getElementById("secret-form");
  if (secretForm) {
    secretForm.addEventListener("submit", () => {
      const field = secretForm.querySelector("input[name=value]");
      setTimeout(() => { field.value = ""; }, 0);
    });
  }

  const live = document.getElementById("live");
  const rows = document.getElementById("rows");
  if (live && rows && window.EventSource) follow(live, rows);
  const approvals = document.getElementById("approvals-live");
  if (approvals && window.EventSource) watchApprovals(approvals);
});

// A person waiting for requests need not reload: an approval record newer than the page (asked,
// granted, denied, timed out) reloads it, unless a reason is being typed (that would be lost).
function watchApprovals(live) {
  const after = Number(live.dataset.after);
  const source = new EventSource(live.dataset.feed);
  source.onopen = () => { live.textContent = "live"; live.classList.add("on"); };
  source.onerror = () => { live.textContent = "live: reconnecting"; live.classList.remove("on"); };
  // a decision being sent ends the watch: the record it writes would otherwise reload the page
  // under the person's own navigation (aborting it, so the answer they asked for never shows)
  let deciding = false;
  document.addEventListener("submit", () => { deciding = true; source.close(); }, true);
  source.onmessage = (event) => {
    const r = JSON.parse(event.data);
    if (deciding || r.seq <= after || !String(r.command).startsWith("approval-")) return;
    const typing = Array.from(document.querySelectorAll("#approvals input[name=reason]")).some((i) => i.value !== "");
    if (typing) {
      live.textContent = "requests changed: reload when you have decided";
      return;
    }
    source.close();
    window.location.assign("/approvals");
  };
}

function follow(live, rows) {
  const filters = document.getElementById("filters");
  const want = (name) => (filters.elements[name] ? filters.elements[name].value : "");
  const profile = want("profile"), command = want("command"), outcome = want("outcome");
  let last = 0;
  for (const a of rows.querySelectorAll("tr td:first-child a")) last = Math.max(last, Number(a.textContent));
  const chain = document.getElementById("chain");
  const note = document.createElement("span");
  note.className = "head";
  let arrived = 0;
  const source = new EventSource(live.dataset.feed);
  source.onopen = () => { live.textContent = "live"; live.classList.add("on"); };
  source.onerror = () => { live.textContent = "live: reconnecting"; live.classList.remove("on"); };
  source.onmessage = (event) => {
    const r = JSON.parse(event.data);
    if (r.seq <= last) return;
    last = r.seq;
    arrived++;
    note.textContent = " · " + arrived + " record(s) written since this page verified the chain; reload to verify them too";
    if (chain && !note.parentNode) chain.appendChild(note);
    if (profile && r.profile !== profile) return;
    if (command && r.command !== command) return;
    if (outcome && r.outcome !== outcome) return;
    const empty = document.getElementById("no-rows");
    if (empty) empty.remove();
    rows.insertBefore(row(r), rows.firstChild);
    while (rows.children.length > 500) rows.lastChild.remove();
  };
}

function row(r) {
  const tr = document.createElement("tr");
  tr.className = "fresh row-" + r.outcome;
  tr.dataset.seq = r.seq;
  const cell = (text, code) => {
    const td = document.createElement("td");
    const inner = code ? document.createElement("code") : td;
    inner.textContent = text;
    if (code) td.appendChild(inner);
    tr.appendChild(td);
    return td;
  };
  const first = cell("");
  const link = document.createElement("a");
  link.href = "/activity/record?seq=" + encodeURIComponent(r.seq);
  link.textContent = r.seq;
  first.appendChild(link);
  cell(r.time);
  const who = cell(r.profile);
  if (r.via) {
    // a remote agent's request (the HTTPS API): which key, from where
    const via = document.createElement("small");
    via.className = "via";
    via.textContent = "via " + r.via;
    who.appendChild(document.createElement("br"));
    who.appendChild(via);
  }
  cell(r.line, true); // quoted and escaped on the server, as the page's own rows
  const badge = document.createElement("span");
  badge.className = "badge o-" + r.outcome;
  badge.textContent = r.outcome;
  cell("").appendChild(badge);
  cell(r.layer);
  cell(r.exit);
  cell(String(r.duration_ms));
  return tr;
}

