// Nothing typed is lost: the editor's unsaved text is kept in this browser (localStorage, per sheet)
// until it is saved or discarded, so it survives a reload, a closed tab and a restarted server; leaving
// with unsaved changes asks first; Undo and Redo step through the text's versions; Ctrl+S saves.
(function () {
  "use strict";
  var form = document.getElementById("record"), sheet = form.dataset.sheet, key = "factsheets-draft:" + sheet;
  var box = function () { return document.getElementById("text"); };
  var saved = box().value, history = [saved], at = 0, leaving = false;

  function store(text) {
    try {
      if (text === saved) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify({text: text, loaded: document.getElementById("loaded").value,
                                                     at: new Date().toISOString()}));
    } catch (e) { /* storage full or refused: the page still warns before leaving */ }
  }

  function show() {
    var dirty = box().value !== saved;
    document.getElementById("dirty").textContent = dirty ? "Unsaved changes" : "All changes saved";
    document.getElementById("discard").disabled = !dirty;
    document.getElementById("undo").disabled = at === 0;
    document.getElementById("redo").disabled = at >= history.length - 1;
  }

  // Each new version of the text (typed in the Advanced view, or written by a form edit) is kept.
  function changed() {
    var text = box().value;
    if (text !== history[at]) {
      history = history.slice(0, at + 1);
      history.push(text);
      at = history.length - 1;
    }
    store(text);
    show();
  }

  // Put a version back: the text, then the form and the preview drawn from it again.
  function put(text) {
    box().value = text;
    store(text);
    show();
    htmx.trigger(box(), "keyup");
    htmx.trigger(document.body, "formChanged");
  }

  // A draft left from before (a reload, a restart): put back at once, and said.
  var draft = null;
  try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
  if (draft && typeof draft.text === "string" && draft.text !== saved) {
    box().value = draft.text;
    document.getElementById("loaded").value = draft.loaded || document.getElementById("loaded").value;
    history.push(draft.text);
    at = 1;
    var note = document.getElementById("draft-note");
    note.textContent = "Your unsaved changes from " + new Date(draft.at).toLocaleString() +
      " were kept and are shown here. Save them, or use Discard changes to go back to the saved sheet.";
    note.hidden = false;
  } else if (draft) {
    localStorage.removeItem(key);
  }
  show();

  document.addEventListener("input", function (event) { if (event.target.id === "text") changed(); });
  document.addEventListener("htmx:afterSwap", function (event) { if (event.detail.target.id === "text") changed(); });

  document.getElementById("undo").addEventListener("click", function () { if (at > 0) put(history[--at]); });
  document.getElementById("redo").addEventListener("click", function () {
    if (at < history.length - 1) put(history[++at]);
  });
  document.getElementById("discard").addEventListener("click", function () {
    if (!confirm("Discard your unsaved changes to this sheet? The sheet goes back to how it was last saved.")) return;
    history.push(saved);
    at = history.length - 1;
    put(saved);
    document.getElementById("draft-note").hidden = true;
  });

  // A save that went through: its text is the saved one now (a refused save keeps the draft).
  document.body.addEventListener("htmx:beforeOnLoad", function (event) {
    var path = event.detail.requestConfig && event.detail.requestConfig.path || "";
    if (event.detail.xhr.status === 403) return renew();
    if (!/\/(save|publish|unpublish)$/.test(path)) return;
    if (event.detail.xhr.status === 200) {
      saved = sentText;
      leaving = /publish$/.test(path);  // the page reloads as final (or as a draft)
      localStorage.removeItem(key);
      document.getElementById("draft-note").hidden = true;
      show();
    }
  });
  var sentText = saved;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var path = event.detail.requestConfig && event.detail.requestConfig.path || "";
    if (/\/(save|publish|unpublish)$/.test(path)) sentText = box().value;
  });

  // A refused request (a restarted server's 403, a 413) never replaces the text box: it is said instead.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status < 400 || event.detail.target.id !== "text") return;
    event.detail.shouldSwap = false;
    var note = document.getElementById("form-refused");
    note.textContent = "This change was not made: " + event.detail.xhr.responseText;
    note.hidden = false;
  });

  // The server was restarted (its security token changed): take a fresh one, keep every change.
  function renew() {
    fetch(location.href, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (page) {
      var found = /"X-CSRF-Token": "([0-9a-f]+)"/.exec(page);
      if (!found) return;
      document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRF-Token": found[1]}));
      document.querySelectorAll("input[name=csrf]").forEach(function (i) { i.value = found[1]; });
    });
  }

  window.unsavedChanges = function () { return !leaving && box().value !== saved; };
  window.addEventListener("beforeunload", function (event) {
    if (!window.unsavedChanges()) return;
    event.preventDefault();
    event.returnValue = "";  // the browser asks "Leave site? Changes you made may not be saved."
  });

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      if (!document.getElementById("save").disabled) form.requestSubmit();
    }
  });
})();
