// The live preview keeps its page images: an answer lists the pages, each naming its image by its look,
// and only pages whose name changed get a new image (fetched once, then cached for good). The pages
// stay in place, so the pane keeps its scroll position and a focused page keeps the focus. An answer
// older than one already shown is dropped. The status line says when the pages were updated, and says
// "Updating…" only when an update takes a while (a screen reader hears each change of it).
(function () {
  "use strict";
  var pane = document.getElementById("preview"), status = document.getElementById("preview-status");
  var sent = 0, shown = 0, slow = null, shownBefore = false;
  var SLOW_MS = 1000;  // after this an update in progress is said

  function say(text) { if (status.textContent !== text) status.textContent = text; }
  function previewOf(event) { return event.detail.target === pane || event.detail.elt === pane; }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.target !== pane) return;
    event.detail.xhr.previewNumber = ++sent;
    pane.setAttribute("aria-busy", "true");
    clearTimeout(slow);
    slow = setTimeout(function () { say("Updating the preview…"); }, SLOW_MS);
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!previewOf(event) || !event.detail.shouldSwap || event.detail.xhr.status !== 200) return;
    event.detail.shouldSwap = false;  // drawn here, in place
    var number = event.detail.xhr.previewNumber || 0;
    if (number < shown) return;  // an older text's answer, come after a newer one's
    shown = number;
    var changed = morph(event.detail.serverResponse);
    if (number === sent) done(changed);
    document.dispatchEvent(new CustomEvent("previewShown"));
  });

  // The newest preview refused (a restarted server, a text over the limit): its words are in the pane.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.target !== pane || xhr.previewNumber !== sent || xhr.status === 200 || xhr.status === 204) return;
    clearTimeout(slow);
    pane.removeAttribute("aria-busy");
    say("Preview not updated.");
  });

  // Put the new answer in: its problems and notes replace the old, its pages update the old in place.
  function morph(html) {
    var fresh = document.createElement("template");
    fresh.innerHTML = html;
    var pages = pane.querySelector(".pages"), freshPages = fresh.content.querySelector(".pages");
    if (!pages || !freshPages) {
      pane.replaceChildren(fresh.content);
      return Array.from(pane.querySelectorAll(".page-frame"));
    }
    var changed = update(pages, freshPages), after = false;
    Array.from(pane.childNodes).forEach(function (node) { if (node !== pages) node.remove(); });
    Array.from(fresh.content.childNodes).forEach(function (node) {
      if (node === freshPages) after = true;
      else if (after) pane.appendChild(node);
      else pane.insertBefore(node, pages);
    });
    return changed;
  }

  // Update the pages shown to the new list; return the pages whose image changed.
  function update(pages, freshPages) {
    var old = Array.from(pages.children), next = Array.from(freshPages.children), changed = [];
    pages.className = freshPages.className;
    pages.dataset.count = freshPages.dataset.count || "";
    next.forEach(function (figure, i) {
      var have = old[i];
      if (!have || !have.matches(".page-frame") || !figure.matches(".page-frame")) {
        if (have) have.replaceWith(figure); else pages.appendChild(figure);
        changed.push(figure);
        return;
      }
      var img = have.querySelector("img"), freshImg = figure.querySelector("img");
      if (img.getAttribute("src") !== freshImg.getAttribute("src")) changed.push(have);
      ["src", "alt", "width", "height"].forEach(function (name) {
        if (img.getAttribute(name) !== freshImg.getAttribute(name)) img.setAttribute(name, freshImg.getAttribute(name));
      });
      have.dataset.key = figure.dataset.key;
      have.setAttribute("aria-labelledby", figure.getAttribute("aria-labelledby"));
      var caption = have.querySelector("figcaption"), freshCaption = figure.querySelector("figcaption");
      caption.id = freshCaption.id;
      caption.textContent = freshCaption.textContent;
    });
    old.slice(next.length).forEach(function (figure) { figure.remove(); });
    return changed;
  }

  // When the changed pages' images are in, say so once.
  function done(changed) {
    clearTimeout(slow);
    var images = changed.map(function (f) { return f.querySelector("img"); }).filter(Boolean);
    var waiting = images.filter(function (img) { return !img.complete; });
    var left = waiting.length;
    function finished() {
      pane.removeAttribute("aria-busy");
      say(summary(changed));
    }
    if (!left) return finished();
    waiting.forEach(function (img) {
      var once = function () {
        img.removeEventListener("load", once); img.removeEventListener("error", once);
        if (--left === 0) finished();
      };
      img.addEventListener("load", once);
      img.addEventListener("error", once);
    });
  }

  function summary(changed) {
    var total = pane.querySelectorAll(".page-frame").length;
    if (pane.querySelector(".pages.old")) return "Preview not updated: fix the problems listed above the pages.";
    if (!total) return pane.querySelector(".problems") ? "No preview: fix the problems listed." : "Nothing to show.";
    var numbers = changed.map(function (f) { return Array.prototype.indexOf.call(f.parentNode.children, f) + 1; });
    if (!shownBefore) { shownBefore = true; return "Preview shown: " + pages(total) + "."; }
    if (!numbers.length) return "Preview up to date: no page changed (" + pages(total) + ").";
    if (numbers.length === total) return "Preview updated: " + (total === 1 ? "1 page." : "all " + total + " pages.");
    var list = numbers.length === 1 ? "page " + numbers[0] :
      "pages " + numbers.slice(0, -1).join(", ") + " and " + numbers[numbers.length - 1];
    return "Preview updated: " + list + " of " + total + " changed.";
  }
  function pages(n) { return n === 1 ? "1 page" : n + " pages"; }

  // A page reached by Tab shows from its number down (a page is taller than the pane).
  // Only the pane scrolls: the form beside it stays where it was.
  var scroller = pane.closest(".preview") || pane;
  pane.addEventListener("focusin", function (event) {
    var page = event.target;
    if (!page.matches(".page-frame")) return;
    var toTop = function () {
      scroller.scrollTop += page.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 4;
    };
    // After the browser's own scrolling to the focus, which may come a frame later.
    requestAnimationFrame(function () { toTop(); requestAnimationFrame(toTop); });
  });
})();
