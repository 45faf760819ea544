// The seal or flag picture (form_tables.html): the chosen file is sent as it is; the server checks it as
// the build would and keeps it under assets/, then the record's seal lines name it (not saved until Save).
document.addEventListener("click", async function (event) {
  if (!event.target.closest("#seal-send")) return;
  var box = document.getElementById("seal-upload"), say = document.getElementById("seal-message");
  var altBox = document.getElementById("seal-new-alt") || document.getElementById("f-seal.alt");
  var alt = altBox ? altBox.value.trim() : "";
  if (!box.files.length) { say.textContent = "Choose a picture first (PNG or JPEG)."; box.focus(); return; }
  if (!alt) {
    say.textContent = "Type what the picture shows first: it is read aloud to readers who cannot see it.";
    if (altBox) altBox.focus();
    return;
  }
  var file = box.files[0], sheet = box.closest("[data-sheet]").dataset.sheet;
  var token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
  say.textContent = "Uploading the picture…";
  var response;
  try {
    response = await fetch("/sheet/" + encodeURIComponent(sheet) + "/seal?name=" + encodeURIComponent(file.name),
      {method: "POST", body: file, headers: {"x-csrf-token": token, "content-type": "application/octet-stream"}});
  } catch (error) {
    say.textContent = "The picture could not be sent (the workspace does not answer): try again.";
    return;
  }
  if (!response.ok) { say.textContent = await response.text(); return; }
  var kept = await response.json();
  say.textContent = "The picture is in the preview; press Save and build to keep it.";
  htmx.ajax("POST", "/sheet/" + encodeURIComponent(sheet) + "/field", {target: "#text", swap: "outerHTML",
    values: {seal_file: kept.file, seal_alt: alt, text: document.getElementById("text").value}});
});
// A form drawn again with the focus kept (tables.KEEP_FOCUS, "="): the input that had the focus gets it back,
// its caret where it was, so a keyboard user goes on where they were.
(function () {
  var had = null;
  document.body.addEventListener("formChanged", function (event) {
    var active = document.activeElement;
    had = event.detail && event.detail.focus === "=" && active && active.id
      ? {id: active.id, at: active.selectionStart} : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "form-panel" || !had) return;
    var found = document.getElementById(had.id);
    if (found) {
      found.focus();
      try { if (had.at !== null) found.setSelectionRange(had.at, had.at); } catch (e) { /* a date input */ }
    }
    had = null;
  });
})();
