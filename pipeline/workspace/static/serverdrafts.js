// Nothing typed is lost, on the server too: the editor's unsaved text is sent (a second after the last
// change) to be kept per sheet and per user until it is saved or discarded; on opening the sheet, a
// kept draft is offered: "You have unsaved changes from 10:42 — Restore / Discard". It survives a
// restarted server, an expired session and another browser, where drafts.js's local copy cannot.
(function () {
  "use strict";
  var form = document.getElementById("record"), url = "/sheet/" + form.dataset.sheet + "/draft";
  var offer = document.getElementById("server-draft"), pending = null, timer = null;
  var box = function () { return document.getElementById("text"); };
  var token = function () { return form.querySelector("input[name=csrf]").value; };

  function post(fields, again) {
    var body = new URLSearchParams(fields);
    body.set("csrf", token());
    return fetch(url, {method: "POST", credentials: "same-origin", body: body}).then(function (r) {
      if (r.status === 403 && !again) return renew().then(function () { return post(fields, true); });
      if (r.ok) r.clone().json().then(function (said) { form.dataset.draft = said.kept ? "kept" : "none"; });
      return r;
    }).catch(function () { /* the server is down: this browser's copy (drafts.js) keeps the text meanwhile */ });
  }

  // A restarted server signs with a new token: take it from a fresh copy of the page.
  function renew() {
    return fetch(location.href, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (page) {
      var found = /"X-CSRF-Token": "([0-9a-f]+)"/.exec(page);
      if (!found) return;
      document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRF-Token": found[1]}));
      document.querySelectorAll("input[name=csrf]").forEach(function (i) { i.value = found[1]; });
    });
  }

  function keep() {
    if (pending) return;  // an offered draft is not replaced before the user chose Restore or Discard
    post({text: box().value, loaded: document.getElementById("loaded").value});
  }
  function soon() { clearTimeout(timer); timer = setTimeout(keep, 1000); }

  function when(at) {
    var date = new Date(at), today = new Date();
    var time = date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    return date.toDateString() === today.toDateString() ? time : date.toLocaleDateString() + " " + time;
  }

  function close() {
    pending = null;
    offer.hidden = true;
  }

  fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (r) { return r.json(); }).then(function (draft) {
    if (!draft || typeof draft.text !== "string" || draft.text === box().value) return;
    pending = draft;
    document.getElementById("server-draft-at").textContent = when(draft.at);
    offer.hidden = false;
  }).catch(function () {});

  document.getElementById("draft-restore").addEventListener("click", function () {
    var draft = pending;
    close();
    box().value = draft.text;
    document.getElementById("loaded").value = draft.loaded || document.getElementById("loaded").value;
    box().dispatchEvent(new Event("input", {bubbles: true}));  // drafts.js: Undo, "Unsaved changes"
    htmx.trigger(box(), "keyup");  // the preview
    htmx.trigger(document.body, "formChanged");  // the form, drawn from the restored text
    var note = document.getElementById("draft-note");
    note.textContent = "Your unsaved changes from " + when(draft.at) + " are back. Save them, or use Discard changes.";
    note.hidden = false;
    note.setAttribute("tabindex", "-1");
    note.focus();
  });
  document.getElementById("draft-discard").addEventListener("click", function () {
    close();
    post({discard: "1"}).then(keep);
    document.getElementById("save").focus();
  });

  document.addEventListener("input", function (event) { if (event.target.id === "text") soon(); });
  // Undo, Redo and Discard changes (drafts.js) put a version back and preview it with a keyup.
  document.addEventListener("keyup", function (event) { if (event.target.id === "text") soon(); });
  document.addEventListener("htmx:afterSwap", function (event) { if (event.detail.target.id === "text") soon(); });
  // A save that went through: the text is the saved one now, so the kept draft goes (typing since is kept).
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var path = event.detail.requestConfig && event.detail.requestConfig.path || "";
    if (/\/(save|publish|unpublish)$/.test(path) && event.detail.xhr.status === 200) keep();
  });
})();
